/*
 * The charger's IO members of the host ABI (hardware.h), over the port's port_hardware_*:
 * the same texts and error words under every host (test/node/host-contract.test.mjs runs
 * one guest through them on the native host and the simulator host).
 */
#include "hardware.h"
#include "json_text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ABI(name) static JSValue name(JSContext *ctx, JSValueConst this_val, int argc, JSValueConst *argv)

/* The port's text as a guest string ("" for NULL: a reading the bundle ignores). */
static JSValue text_result(JSContext *ctx, char *text)
{
    JSValue v = JS_NewString(ctx, text ? text : "");
    free(text);
    return v;
}

/* The connector argument, 1..HARDWARE_MAX_CONNECTORS; 0 for any other number; -1 with an
 * exception pending when it is not a number at all. */
static int connector_of(JSContext *ctx, JSValueConst value)
{
    double n;
    if (JS_ToFloat64(ctx, &n, value))
        return -1;
    return n >= 1 && n <= HARDWARE_MAX_CONNECTORS && n == floor(n) ? (int)n : 0;
}

ABI(abi_hardware_info) { return text_result(ctx, port_hardware_info()); }

ABI(abi_hardware_inputs)
{
    int c = connector_of(ctx, argv[0]);
    return c < 0 ? JS_EXCEPTION : text_result(ctx, c ? port_hardware_inputs(c) : NULL);
}

ABI(abi_hardware_meter)
{
    int c = connector_of(ctx, argv[0]);
    return c < 0 ? JS_EXCEPTION : text_result(ctx, c ? port_hardware_meter(c) : NULL);
}

/* A boolean or number property of `object`: 1 found (in *out), 0 absent or another type. */
static int output_value(JSContext *ctx, JSValueConst object, const char *name, bool number, double *out)
{
    JSValue v = JS_GetPropertyStr(ctx, object, name);
    int found = 0;
    if (!number && JS_IsBool(v)) {
        *out = JS_ToBool(ctx, v) ? 1 : 0;
        found = 1;
    } else if (number && JS_IsNumber(v)) {
        found = JS_ToFloat64(ctx, out, v) == 0;
    }
    JS_FreeValue(ctx, v);
    return found;
}

/* {"ok":true} or {"ok":false,"error":"why"}, as the guest string. */
static JSValue write_result(JSContext *ctx, const char *error)
{
    return text_result(ctx, error ? error_json(true, error) : strdup("{\"ok\":true}"));
}

ABI(abi_hardware_write)
{
    int c = connector_of(ctx, argv[0]);
    if (c < 0)
        return JS_EXCEPTION;
    size_t len;
    const char *text = JS_ToCStringLen(ctx, &len, argv[1]);
    if (!text)
        return JS_EXCEPTION;
    char error[300];
    const char *failed = error;
    JSValue output = JS_ParseJSON(ctx, text, len, "hardwareWrite output");
    double value = 0;
    if (JS_IsException(output)) {
        JS_FreeValue(ctx, JS_GetException(ctx));
        snprintf(error, sizeof error, "the output is not JSON: %.80s", text);
    } else if (!c) {
        JSValue shown = JS_ToString(ctx, argv[0]);
        const char *id = JS_ToCString(ctx, shown);
        snprintf(error, sizeof error, "no connector %.40s", id ? id : "?");
        JS_FreeCString(ctx, id);
        JS_FreeValue(ctx, shown);
    } else if (!JS_IsObject(output)) {
        snprintf(error, sizeof error, "unknown output %.80s", text);
    } else if (output_value(ctx, output, "relay", false, &value)) {
        failed = port_hardware_write(c, HARDWARE_RELAY, value, error, sizeof error) == 0 ? NULL : error;
    } else if (output_value(ctx, output, "lock", false, &value)) {
        failed = port_hardware_write(c, HARDWARE_LOCK, value, error, sizeof error) == 0 ? NULL : error;
    } else if (output_value(ctx, output, "currentLimitA", true, &value) && isfinite(value) && value >= 0) {
        failed = port_hardware_write(c, HARDWARE_CURRENT_LIMIT, value, error, sizeof error) == 0 ? NULL : error;
    } else {
        snprintf(error, sizeof error, "unknown output %.80s", text);
    }
    JS_FreeValue(ctx, output);
    JS_FreeCString(ctx, text);
    return write_result(ctx, failed);
}

ABI(abi_hardware_listen)
{
    if (!JS_IsFunction(ctx, argv[0]))
        return JS_ThrowTypeError(ctx, "hardwareListen onchange must be a function");
    host_hardware_listen(ctx, argv[0]);
    return JS_UNDEFINED;
}

static const JSCFunctionListEntry hardware_functions[] = {
    JS_CFUNC_DEF("hardwareInfo", 0, abi_hardware_info),
    JS_CFUNC_DEF("hardwareInputs", 1, abi_hardware_inputs),
    JS_CFUNC_DEF("hardwareMeter", 1, abi_hardware_meter),
    JS_CFUNC_DEF("hardwareWrite", 2, abi_hardware_write),
    JS_CFUNC_DEF("hardwareListen", 1, abi_hardware_listen),
};

void hardware_install(JSContext *ctx, JSValueConst host)
{
    if (port_hardware_present())
        JS_SetPropertyFunctionList(ctx, host, hardware_functions, sizeof hardware_functions / sizeof hardware_functions[0]);
}
