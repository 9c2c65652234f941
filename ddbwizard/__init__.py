"""ddbwizard: from a DynamoDB table to a deployed Lambda stream trigger."""

__version__ = "0.1.0"
