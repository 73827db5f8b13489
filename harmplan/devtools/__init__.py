"""Throwaway PostgreSQL and Redis for the test and benchmark commands; never used in production."""
