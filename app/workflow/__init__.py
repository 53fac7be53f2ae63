"""Every status change of applications and permits: a pure transitions table and the use
cases that apply it, each writing its audit event in the same transaction."""
