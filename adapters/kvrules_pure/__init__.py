"""kvrules adapter for Elsevier Pure (Pure API /ws/api), and a Pure API simulator."""
