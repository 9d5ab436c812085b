"""Channel-layer group names, in one place (letters, digits, hyphens and periods only)."""


def space_group(space_id: int) -> str:
    return f"space.{space_id}"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"
