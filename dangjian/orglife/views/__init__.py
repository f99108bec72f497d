"""Pages of organisational life. Every queryset goes through ``for_user``; every write through a service.

Modules: ``activities`` (records, attendance, attachments, review comments), ``oversight`` (compliance,
bulletins, reviews), ``groups`` (党小组), ``bases`` (bases and bookings), ``ledger`` (the sheet export),
``common`` (helpers shared by them).
"""
