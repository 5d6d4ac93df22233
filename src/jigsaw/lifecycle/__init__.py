"""The data lifecycle across apps: the retention plan, the purge, legal holds, subject access.

Not a Django app (it owns no tables: the schedule and litigation holds are ``records``'s): it
sits above every domain app in the import layers so that one purge can reach each app's rows
through that app's own ``purge`` module, and write the certificate to the access log
(docs/retention.md explains the choice).
"""
