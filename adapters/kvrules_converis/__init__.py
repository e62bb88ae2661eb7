"""kvrules adapter for Clarivate Converis (Read API WS v2 + CUD API), and a Converis simulator."""
