// Intentionally empty: CShims is header-only.
