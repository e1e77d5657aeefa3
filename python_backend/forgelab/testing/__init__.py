"""Test doubles that follow published APIs (contract servers), for tests and local trials."""
