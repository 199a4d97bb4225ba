"""The HTTP API (issue 21): ``/api/v1/`` for other systems, its OpenAPI schema at ``/api/schema/``
and a browsable page at ``/api/docs/`` (django-ninja), and personal API tokens.

It sits with the wiring on top of the layers: it reads and changes the domain only through the
same selectors, services and permission policy as the pages (organisations.permissions).
"""
