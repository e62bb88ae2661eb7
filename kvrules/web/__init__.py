"""The committee's web app: cases, triage, match adjudication, decisions, mitigations and the
portfolio report, server-rendered (Starlette + Jinja2, no front-end build).

    kvrules users add alice --role committee
    kvrules serve --db kvrules.db            # http://127.0.0.1:8000

Import ``kvrules.web.app.create_app``; this package stays import-light so that the CLI starts
without loading the web stack.
"""
