/*
 * The optional host-ABI members (hal/host-abi.ts), as the simulator host has them
 * (sim/host.mjs, sim/crypto.mjs): the same arguments, results and error words where the
 * cause is the same. The work is the port's (HTTP, cryptography, private files) and
 * firmware.c's (images with rollback); this file reads the guest's arguments, keeps its
 * callbacks (host_pending_keep) and hands back the one result on a later turn.
 */
#include "members.h"
#include "host.h"
#include "json_text.h"
#include "port.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ABI(name) static JSValue name(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)

/* The guest's callbacks object, kept; 0 with an exception thrown. */
static int keep_callbacks(JSContext *ctx, JSValueConst callbacks, const char *what)
{
    if (!JS_IsObject(callbacks)) {
        JS_ThrowTypeError(ctx, "%s must be an object", what);
        return 0;
    }
    int id = host_pending_keep(ctx, callbacks);
    if (!id)
        JS_ThrowInternalError(ctx, "out of memory (host call)");
    return id;
}

static void finish_error(int id, const char *error) { host_pending_finish(id, HOST_RESULT_ERROR, error); }

static bool is_key_id(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    for (; *s; s++)
        if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
            return false;
    return true;
}

/* "http://..." or "https://..."; else why not, in the simulator's words. */
static bool http_url(const char *url, char *error, size_t error_size)
{
    if (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0)
        return true;
    const char *colon = strstr(url, "://");
    if (!colon || colon == url) {
        snprintf(error, error_size, "not a URL: %s", url);
        return false;
    }
    int scheme = (int)(colon - url);
    if (scheme == 3 && strncasecmp(url, "ftp", 3) == 0)
        snprintf(error, error_size, "FTP is not supported: this host transfers over http and https only, not ftp:");
    else
        snprintf(error, error_size, "this host transfers over http and https only, not %.*s:", scheme, url);
    return false;
}

/* ---- firmwareDownload / firmwareInstall / firmwareVerifySignature ---------------------- */

static void download_done(int id, const char *error)
{
    if (error) {
        port_private_remove("firmware", "staged.part");
        finish_error(id, error);
        return;
    }
    firmware_crash_point("download-fetched"); /* whole on disk, not yet checked nor staged */
    char why[600];
    char *info = firmware_accept_download(why, sizeof why);
    if (info)
        host_pending_finish(id, HOST_RESULT_DONE, info);
    else
        finish_error(id, why);
    free(info);
}

ABI(abi_firmware_download)
{
    const char *url = JS_ToCString(ctx, argv[0]);
    if (!url)
        return JS_EXCEPTION;
    int id = keep_callbacks(ctx, argv[1], "transfer callbacks");
    if (!id) {
        JS_FreeCString(ctx, url);
        return JS_EXCEPTION;
    }
    host_log(HOST_LOG_INFO, "firmware download from %s", url);
    char error[600];
    if (!http_url(url, error, sizeof error) ||
        port_http_get(id, url, "staged.part", FIRMWARE_MAX_BYTES, download_done, error, sizeof error) != 0)
        finish_error(id, error);
    JS_FreeCString(ctx, url);
    return JS_UNDEFINED;
}

ABI(abi_firmware_install)
{
    int id = keep_callbacks(ctx, argv[0], "transfer callbacks");
    if (!id)
        return JS_EXCEPTION;
    char error[300];
    if (firmware_install(error, sizeof error) == 0)
        host_pending_finish(id, HOST_RESULT_DONE, "{}");
    else
        finish_error(id, error);
    return JS_UNDEFINED;
}

ABI(abi_firmware_verify_signature)
{
    const char *certificate = JS_ToCString(ctx, argv[0]);
    const char *signature = certificate ? JS_ToCString(ctx, argv[1]) : NULL;
    int id = signature ? keep_callbacks(ctx, argv[2], "transfer callbacks") : 0;
    if (id) {
        size_t length = 0;
        char *image = firmware_staged(&length);
        char error[300];
        if (!image) {
            finish_error(id, "no firmware downloaded");
        } else {
            int good = port_crypto_verify_signature(image, length, certificate, signature, error, sizeof error);
            char sha256[65];
            port_sha256_hex(image, length, sha256);
            if (good >= 0)
                host_log(HOST_LOG_INFO, "firmware signature %s (sha256 %s)", good ? "verified" : "INVALID", sha256);
            if (good > 0)
                host_pending_finish(id, HOST_RESULT_DONE, "{}");
            else
                finish_error(id, good == 0 ? "the signature does not match the firmware image" : error);
        }
        free(image);
    }
    if (signature)
        JS_FreeCString(ctx, signature);
    if (certificate)
        JS_FreeCString(ctx, certificate);
    return id ? JS_UNDEFINED : JS_EXCEPTION;
}

ABI(abi_firmware_state)
{
    char *json = firmware_state_json();
    JSValue v = json ? JS_NewString(ctx, json) : JS_ThrowInternalError(ctx, "out of memory");
    free(json);
    return v;
}

ABI(abi_firmware_confirm)
{
    firmware_confirm();
    return JS_UNDEFINED;
}

/* ---- diagnosticsUpload ---------------------------------------------------------------- */

static void upload_done(int id, const char *error)
{
    if (error)
        finish_error(id, error);
    else
        host_pending_finish(id, HOST_RESULT_DONE, "{}");
}

/* encodeURIComponent, as the simulator names the file. */
static void encode_component(const char *s, char *out, size_t out_size)
{
    static const char safe[] = "-_.!~*'()";
    size_t n = 0;
    for (; *s && n + 4 < out_size; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr(safe, c))
            out[n++] = (char)c;
        else
            n += (size_t)snprintf(out + n, out_size - n, "%%%02X", c);
    }
    out[n] = '\0';
}

ABI(abi_diagnostics_upload)
{
    const char *location = JS_ToCString(ctx, argv[0]);
    const char *file_name = location ? JS_ToCString(ctx, argv[1]) : NULL;
    size_t len = 0;
    const char *data = file_name ? JS_ToCStringLen(ctx, &len, argv[2]) : NULL;
    int id = data ? keep_callbacks(ctx, argv[3], "transfer callbacks") : 0;
    if (id) {
        size_t n = strlen(location);
        while (n > 0 && location[n - 1] == '/')
            n--;
        size_t size = n + 3 * strlen(file_name) + 2;
        char *url = malloc(size);
        char error[600];
        if (!url) {
            finish_error(id, "out of memory");
        } else {
            memcpy(url, location, n);
            url[n] = '/';
            encode_component(file_name, url + n + 1, size - n - 1);
            if (!http_url(url, error, sizeof error) ||
                port_http_put(id, url, data, len, upload_done, error, sizeof error) != 0)
                finish_error(id, error);
            else
                host_log(HOST_LOG_INFO, "diagnostics upload to %s (%zu bytes)", url, len);
        }
        free(url);
    }
    if (data)
        JS_FreeCString(ctx, data);
    if (file_name)
        JS_FreeCString(ctx, file_name);
    if (location)
        JS_FreeCString(ctx, location);
    return id ? JS_UNDEFINED : JS_EXCEPTION;
}

/* ---- crypto* -------------------------------------------------------------------------- */

/* A string property of a JSON object, malloc'd ("" when absent). */
static char *json_string_at(JSContext *ctx, JSValueConst object, const char *name)
{
    JSValue v = JS_IsObject(object) ? JS_GetPropertyStr(ctx, object, name) : JS_UNDEFINED;
    const char *s = JS_IsString(v) ? JS_ToCString(ctx, v) : NULL;
    char *out = strdup(s ? s : "");
    if (s)
        JS_FreeCString(ctx, s);
    JS_FreeValue(ctx, v);
    return out;
}

static void new_key_id(char out[40])
{
    /* The simulator's shape: "k" + the time in base 36 + 8 random hex digits. */
    static const char digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";
    char time36[16];
    int n = 0;
    unsigned long long ms = (unsigned long long)port_now_ms();
    do {
        time36[n++] = digits[ms % 36];
        ms /= 36;
    } while (ms && n < (int)sizeof time36);
    char *p = out;
    *p++ = 'k';
    while (n > 0)
        *p++ = time36[--n];
    unsigned char random[4];
    port_random(random, sizeof random);
    for (int i = 0; i < 4; i++)
        p += sprintf(p, "%02x", random[i]);
    *p = '\0';
}

ABI(abi_crypto_create_csr)
{
    if (!JS_IsFunction(ctx, argv[1]))
        return JS_ThrowTypeError(ctx, "cryptoCreateCsr callback must be a function");
    const char *request = JS_ToCString(ctx, argv[0]);
    if (!request)
        return JS_EXCEPTION;
    JSValue parsed = JS_ParseJSON(ctx, request, strlen(request), "cryptoCreateCsr request");
    JS_FreeCString(ctx, request);
    if (JS_IsException(parsed))
        return JS_EXCEPTION; /* the simulator's JSON.parse throws too */
    JSValue subject = JS_GetPropertyStr(ctx, parsed, "subject");
    char *common_name = json_string_at(ctx, subject, "commonName");
    char *organization = json_string_at(ctx, subject, "organizationName");
    JS_FreeValue(ctx, subject);
    JS_FreeValue(ctx, parsed);
    int id = host_pending_keep(ctx, argv[1]);
    char *result = NULL;
    if (!common_name || !organization) {
        result = error_json(false, "out of memory");
    } else if (!*common_name) {
        result = error_json(false, "subject.commonName is required");
    } else {
        char key_id[40], error[300];
        new_key_id(key_id);
        char *csr = port_crypto_create_csr(key_id, common_name, organization, error, sizeof error);
        if (!csr) {
            result = error_json(false, error);
        } else {
            text_buffer b = { 0 };
            puts_(&b, "{\"csr\":");
            put_json_string(&b, csr);
            puts_(&b, ",\"keyId\":");
            put_json_string(&b, key_id);
            puts_(&b, "}");
            result = finish(&b);
            free(csr);
        }
    }
    free(common_name);
    free(organization);
    if (id)
        host_pending_finish(id, HOST_RESULT_CALL, result ? result : "{\"error\":\"out of memory\"}");
    free(result);
    return id ? JS_UNDEFINED : JS_ThrowInternalError(ctx, "out of memory (host call)");
}

static JSValue json_result(JSContext *ctx, char *json)
{
    JSValue v = json ? JS_NewString(ctx, json) : JS_ThrowInternalError(ctx, "out of memory");
    free(json);
    return v;
}

ABI(abi_crypto_certificate_info)
{
    const char *pem = JS_ToCString(ctx, argv[0]);
    const char *hash = pem ? JS_ToCString(ctx, argv[1]) : NULL;
    JSValue v = hash ? json_result(ctx, port_crypto_certificate_info(pem, hash)) : JS_EXCEPTION;
    if (hash)
        JS_FreeCString(ctx, hash);
    if (pem)
        JS_FreeCString(ctx, pem);
    return v;
}

ABI(abi_crypto_verify_chain)
{
    const char *chain = JS_ToCString(ctx, argv[0]);
    const char *trusted = chain ? JS_ToCString(ctx, argv[1]) : NULL;
    const char *key_id = trusted ? JS_ToCString(ctx, argv[2]) : NULL;
    JSValue v = JS_EXCEPTION;
    if (key_id) {
        char *key = NULL;
        char error[300];
        if (*key_id && !(key = members_key_pem(key_id, error, sizeof error))) {
            v = json_result(ctx, error_json(true, error));
        } else {
            v = json_result(ctx, port_crypto_verify_chain(chain, trusted, key));
        }
        free(key);
        JS_FreeCString(ctx, key_id);
    }
    if (trusted)
        JS_FreeCString(ctx, trusted);
    if (chain)
        JS_FreeCString(ctx, chain);
    return v;
}

char *members_key_pem(const char *key_id, char *error, size_t error_size)
{
    if (!is_key_id(key_id)) {
        snprintf(error, error_size, "bad key id \"%s\"", key_id);
        return NULL;
    }
    char name[80], *pem = NULL;
    size_t len;
    snprintf(name, sizeof name, "%s.pem", key_id);
    if (port_private_read("keys", name, &pem, &len) <= 0) {
        free(pem);
        snprintf(error, error_size, "unknown key id \"%s\"", key_id);
        return NULL;
    }
    return pem;
}

static const JSCFunctionListEntry member_functions[] = {
    JS_CFUNC_DEF("firmwareDownload", 2, abi_firmware_download),
    JS_CFUNC_DEF("firmwareInstall", 1, abi_firmware_install),
    JS_CFUNC_DEF("diagnosticsUpload", 4, abi_diagnostics_upload),
    JS_CFUNC_DEF("firmwareVerifySignature", 3, abi_firmware_verify_signature),
    JS_CFUNC_DEF("firmwareState", 0, abi_firmware_state),
    JS_CFUNC_DEF("firmwareConfirm", 0, abi_firmware_confirm),
    JS_CFUNC_DEF("cryptoCreateCsr", 2, abi_crypto_create_csr),
    JS_CFUNC_DEF("cryptoCertificateInfo", 2, abi_crypto_certificate_info),
    JS_CFUNC_DEF("cryptoVerifyChain", 3, abi_crypto_verify_chain),
};

void members_install(JSContext *ctx, JSValueConst host)
{
    JS_SetPropertyFunctionList(ctx, host, member_functions, sizeof member_functions / sizeof member_functions[0]);
}
