/* Compile-check stand-in for the SDK's ql_http_client.h (its HTTP(S) client; names as in the
 * SDK's http demo). */
#ifndef SDK_CHECK_QL_HTTP_CLIENT_H
#define SDK_CHECK_QL_HTTP_CLIENT_H
#include "ql_type_stubs.h"
typedef int http_client_t;
typedef enum { HTTP_METHOD_NONE, HTTP_METHOD_GET, HTTP_METHOD_POST, HTTP_METHOD_PUT, HTTP_METHOD_DELETE,
               HTTP_METHOD_HEAD } HTTP_METHOD_E;
typedef enum {
    HTTP_CLIENT_OPT_METHOD, HTTP_CLIENT_OPT_URL, HTTP_CLIENT_OPT_SIM_ID, HTTP_CLIENT_OPT_PDPCID,
    HTTP_CLIENT_OPT_WRITE_FUNC, HTTP_CLIENT_OPT_WRITE_DATA, HTTP_CLIENT_OPT_READ_FUNC, HTTP_CLIENT_OPT_READ_DATA,
    HTTP_CLIENT_OPT_UPLOAD_LEN, HTTP_CLIENT_OPT_REQUEST_HEADER, HTTP_CLIENT_OPT_SSL_VERIFY_LEVEL,
    HTTP_CLIENT_OPT_SSL_CACERT_PATH, HTTP_CLIENT_OPT_SSLCTXID
} HTTP_CLIENT_OPT_E;
typedef enum { HTTP_INFO_RESPONSE_CODE, HTTP_INFO_CONTENT_LEN } HTTP_INFO_E;
typedef enum { HTTP_EVENT_SESSION_ESTABLISH, HTTP_EVENT_RESPONE_STATE_LINE, HTTP_EVENT_SESSION_DISCONNECT } HTTP_EVENT_E;
enum { QL_HTTP_CLIENT_SUCCESS = 0 };
typedef void (*http_client_event_cb_t)(http_client_t *client, int event, int event_code, void *arg);
typedef int (*http_client_write_data_cb_t)(http_client_t *client, void *arg, char *data, int size, unsigned char end);
typedef int (*http_client_read_data_cb_t)(http_client_t *client, void *arg, char *data, int size);
int ql_httpc_new(http_client_t *client, http_client_event_cb_t cb, void *arg);
int ql_httpc_setopt(http_client_t *client, int tag, ...);
int ql_httpc_perform(http_client_t *client);
int ql_httpc_getinfo(http_client_t *client, int tag, ...);
int ql_httpc_release(http_client_t *client);
#endif
