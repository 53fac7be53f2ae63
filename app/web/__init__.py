"""The browser interface: server-rendered pages (Jinja2), signed session cookies, CSRF tokens
and English, French and Spanish message catalogues. HTTP glue only: it calls the domain
services, as the JSON API's routers do."""
