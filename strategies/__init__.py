"""The strategy catalog (curated in the admin) and each organization's local resources."""
