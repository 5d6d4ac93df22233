"""Machine clients of other agencies' systems: OAuth2 client credentials and a FHIR R4 API."""
