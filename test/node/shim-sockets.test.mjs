// The host ABI tests of shim-host.test.mjs again, on build/ocpp-host-sockets: the same host
// with the Quectel port's own event loop and websocket client (src/sockets_loop.c,
// src/ws_engine.c; OpenSSL behind the TLS hook where the module has ql_ssl). Everything the
// module runs is then tested here except its SDK calls.
import { socketsBinary } from '../../firmware-shim/build.mjs';

process.env.OCPP_HOST_BINARY = socketsBinary;
await import('./shim-host.test.mjs');
