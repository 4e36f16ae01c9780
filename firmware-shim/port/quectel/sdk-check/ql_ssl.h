/* Compile-check stand-in for the SDK's ql_ssl.h (its TLS over mbedTLS). */
#ifndef SDK_CHECK_QL_SSL_H
#define SDK_CHECK_QL_SSL_H
#include "ql_type_stubs.h"
typedef struct { void *opaque; } ql_ssl_config;
typedef struct { void *opaque; } ql_ssl_context;
enum { QL_SSL_SUCCESS = 0, QL_SSL_ERROR_WANT_READ = -0x6900, QL_SSL_ERROR_WANT_WRITE = -0x6880,
       QL_SSL_ERROR_HS_INPROGRESS = -0x6500 };
typedef enum { QL_SSL_CONF_VERSION, QL_SSL_CONF_TRANSPORT, QL_SSL_CONF_SNI, QL_SSL_CONF_HS_TIMEOUT,
               QL_SSL_CONF_CACERT_BUFFER, QL_SSL_CONF_OWNCERT_BUFFER, QL_SSL_CONF_AUTHMODE } ql_ssl_conf_option_e;
enum { QL_SSL_VERSION_0, QL_SSL_VERSION_1, QL_SSL_VERSION_2, QL_SSL_VERSION_3 };
enum { QL_SSL_TLS_PROTOCOL, QL_SSL_DTLS_PROTOCOL };
enum { QL_SSL_VERIFY_NULL, QL_SSL_VERIFY_SERVER, QL_SSL_VERIFY_CLIENT_SERVER };
int ql_ssl_conf_init(ql_ssl_config *conf);
int ql_ssl_conf_set(ql_ssl_config *conf, int option, ...);
int ql_ssl_conf_free(ql_ssl_config *conf);
int ql_ssl_new(ql_ssl_context *ssl);
int ql_ssl_set_socket_fd(ql_ssl_context *ssl, int fd);
int ql_ssl_setup(ql_ssl_context *ssl, ql_ssl_config *conf);
int ql_ssl_set_hostname(ql_ssl_context *ssl, const char *hostname);
int ql_ssl_handshake(ql_ssl_context *ssl);
int ql_ssl_read(ql_ssl_context *ssl, void *buf, size_t len);
int ql_ssl_write(ql_ssl_context *ssl, const void *buf, size_t len);
int ql_ssl_close_notify(ql_ssl_context *ssl);
int ql_ssl_free(ql_ssl_context *ssl);
#endif
