"""Django's Redis cache, without building a Redis client for every cache call.

Django's RedisCacheClient makes a new `redis.Redis` on each get or set, and each one fills a table
of some 170 reply parsers: most of the CPU a cache read costs, and a signed-in page reads the
cache for its session and its person. One client per connection pool does the same work (a
`redis.Redis` only borrows connections from its pool, and Django keeps one cache object, so one
pool, per thread).
"""

from __future__ import annotations

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[id(pool)] = client
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
