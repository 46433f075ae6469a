export {
  PROMETHEUS_BINARY,
  startPrometheus,
  type PrometheusServer,
  type PrometheusServerOptions,
} from '../../src/stack/prometheus-server.js';
