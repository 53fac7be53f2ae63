"""FastAPI glue shared by the routers: dependencies and the error mapping."""
