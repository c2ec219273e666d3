"""Reading storage tables in tests with plain SQL, so the storage needs no methods only tests use."""

from __future__ import annotations

from bot.storage import Storage


async def rows(storage: Storage, table: str, order: str = "id", **where: object) -> list[dict]:
    """Every row of ``table`` matching ``where`` (column = value), in ``order``."""
    sql = f"SELECT * FROM {table}"
    if where:
        sql += " WHERE " + " AND ".join(f"{column} = ?" for column in where)
    async with storage.db.execute(f"{sql} ORDER BY {order}", tuple(where.values())) as cur:
        return [dict(row) for row in await cur.fetchall()]


async def schema_version(storage: Storage) -> int:
    async with storage.db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version") as cur:
        row = await cur.fetchone()
    return int(row[0])
