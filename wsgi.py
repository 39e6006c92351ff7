"""The WSGI entry point: `gunicorn wsgi:app`. Run `portal db upgrade` first."""
from portal import create_app

app = create_app()
