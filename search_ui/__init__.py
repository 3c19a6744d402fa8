"""Search front end (FastAPI): ``visio-archive ui`` serves :func:`search_ui.app.create_app`."""
