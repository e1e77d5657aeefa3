"""Test doubles that follow published APIs (contract servers) and test document builders."""
