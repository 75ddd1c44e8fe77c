"""The suffixes the `ds` loader owns, in a module of their own so that registering
the loader does not import it."""

#: Workbook exports; the loader also claims `.json` snapshots and `.csv` exports whose
#: mapping is a démarche's.
SUFFIXES = (".xlsx", ".ods")
