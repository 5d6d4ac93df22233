"""Server-rendered GOV.UK pages for case work: search, a child's page, alerts, link review, audit."""
