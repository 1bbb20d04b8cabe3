"""The chamber's server: FastAPI routes over app/services, the event stream, TLS and discovery."""
