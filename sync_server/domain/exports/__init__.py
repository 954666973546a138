"""Exports: the catalogue, the yearly report and the handover catalogue (Excel), box labels (PDF).

:mod:`.registry` lists the kinds and runs them; the writers (:mod:`.catalogue`, :mod:`.yearly`,
:mod:`.handover`) need only SQLAlchemy Core and openpyxl, so this package imports nothing else and a
writer can run in a small process.
"""
