export { startRedis, type RedisServer } from '../../src/stack/redis-server.js';
