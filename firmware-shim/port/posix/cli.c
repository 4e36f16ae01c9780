/*
 * Parsing and checking ocpp-host's flags, and the settings JSON they make.
 */
#include "cli.h"
#include "posix.h"
#include "host.h"
#include "json_text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_HEAP_LIMIT (1024 * 1024)
#define DEFAULT_WATCHDOG_MS 10000

const char CLI_USAGE[] =
    "usage: ocpp-host <bundle.js> --url <ws[s]://host[:port]/path> --id <station id> [options]\n"
    "       ocpp-host <bundle.js> --compile <bundle.qjbc>\n"
    "\n"
    "Runs one OCPP 1.6J charge point: a bundle (the firmware dist/firmware.js, the\n"
    "simulator's dist/simulator.js with the simulated charger and --scenario, their minified\n"
    "twins, or their bytecode from --compile) in QuickJS, with the native host ABI. The\n"
    "station id is appended to the URL.\n"
    "\n"
    "  --compile FILE       compile the bundle to QuickJS bytecode (stripped) into FILE and\n"
    "                       exit: the module then boots without parsing (less heap, faster)\n"
    "  --url URL            CSMS websocket URL (ws:// or wss://)                   required\n"
    "  --id ID              station id (letters, digits, . _ ~ -; at most 48)      required\n"
    "  --settings FILE      the station's settings as JSON (hal/settings.ts), as the module\n"
    "                       reads them; the flags given override it (--url, --id may come from it)\n"
    "  --connectors N       connectors                                             default 2\n"
    "  --scenario S         idle: boot, heartbeat, status, serve the CSMS until --duration ends\n"
    "                       session: plug in, Authorize, StartTransaction, MeterValues,\n"
    "                       StopTransaction, unplug\n"
    "                       none: no simulated driver                              default idle\n"
    "  --id-tag TAG         idTag the simulated driver presents, at most 20 characters\n"
    "                       (a 2.0.1 bundle: an idToken, at most 36)               default DEMO-TAG\n"
    "  --duration SECONDS   how long idle runs, 0 = until stopped (Ctrl-C)         default 0\n"
    "  --password P         Basic auth password (security profiles 1 and 2)\n"
    "  --ca FILE            PEM file of the CA the CSMS certificate must chain to (wss)\n"
    "  --cert FILE --key FILE  PEM client certificate and key (security profile 3)\n"
    "  --security-profile N OCPP security profile 0-3: 1 Basic auth (needs --password),\n"
    "                       2 TLS + Basic auth (needs --password; ws:// becomes wss://),\n"
    "                       3 TLS + client certificate (needs --cert, --key)\n"
    "                                                        default from the flags above\n"
    "  --data-dir DIR       station files go to DIR/<station id>/                  default ./sim-data\n"
    "  --heap-limit BYTES   QuickJS heap limit (JS_SetMemoryLimit)                 default 1048576\n"
    "  --watchdog-ms MS     longest one callback may run                           default 10000\n"
    "  --hardware DIR       the charger's IO (the hardware* host-ABI members) from a folder of\n"
    "                       state files its IO daemon keeps: info, inputs-N, meter-N in,\n"
    "                       relay-N, lock-N, current-limit-N out (README, Host ABI)  default none\n"
    "  --log-level LEVEL    debug (every frame) | info | warning | error           default info\n"
    "  --help               this text\n"
    "\n"
    "At exit it prints the peak heap. Exit status: the station's: 0 (duration over or session\n"
    "complete), the bundle's own exit code, 70 the bundle threw while loading, 71 out of\n"
    "memory, 72 stalled, 73 watchdog, 130 interrupted; 1 when it could not start, 2 for bad flags.";

enum flag {
    F_URL, F_ID, F_CONNECTORS, F_SCENARIO, F_ID_TAG, F_DURATION, F_PASSWORD, F_CA, F_CERT, F_KEY,
    F_SECURITY_PROFILE, F_DATA_DIR, F_HEAP_LIMIT, F_WATCHDOG_MS, F_LOG_LEVEL, F_COMPILE, F_SETTINGS, F_HARDWARE, F_COUNT
};
static const char *const flag_names[F_COUNT] = {
    "url", "id", "connectors", "scenario", "id-tag", "duration", "password", "ca", "cert", "key",
    "security-profile", "data-dir", "heap-limit", "watchdog-ms", "log-level", "compile", "settings", "hardware",
};

static int fail(char *error, size_t error_size, const char *format, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *error, size_t error_size, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vsnprintf(error, error_size, format, ap);
    va_end(ap);
    return -1;
}

/* A whole number in [min, max], as the simulator's wholeNumber. */
static int whole_number(const char *name, const char *text, double min, double max, double *out, char *error,
                        size_t error_size)
{
    const char *p = text;
    while (*p == ' ')
        p++;
    char *end;
    errno = 0;
    double n = strtod(p, &end);
    while (*end == ' ')
        end++;
    bool digits = *p >= '0' && *p <= '9' && strspn(p, "0123456789") == strcspn(p, " ");
    if (!digits || *end || errno || n < min || n > max)
        return fail(error, error_size, "--%s must be a whole number from %.0f to %.0f, got \"%s\"", name, min, max,
                    text);
    *out = n;
    return 0;
}

/* A PEM file's text (malloc'd), checked to look like PEM. */
static char *read_pem(const char *flag, const char *file, char *error, size_t error_size)
{
    size_t len;
    char *text = posix_read_file(file, &len);
    if (!text && errno != EINVAL) {
        fail(error, error_size, "--%s: cannot read %s: %s", flag, file, strerror(errno));
        return NULL;
    }
    if (!text || !strstr(text, "-----BEGIN ")) {
        free(text);
        fail(error, error_size, "--%s: %s is not a PEM file", flag, file);
        return NULL;
    }
    return text;
}

/* ---- the settings object, with json_text.h's writer ----------------------------------- */

/* The shortest text that reads back as the same double, as JSON.stringify prints numbers
 * (2.5 → "2.5", 0.1 → "0.1"). */
static void put_number(text_buffer *b, double v)
{
    char text[40];
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(text, sizeof text, "%.*g", precision, v);
        if (strtod(text, NULL) == v)
            break;
    }
    put(b, text, strlen(text));
}

static void put_key(text_buffer *b, const char *key)
{
    put(b, b->len > 1 ? "," : "", b->len > 1 ? 1 : 0);
    put_json_string(b, key);
    put(b, ":", 1);
}

/* ---- parsing -------------------------------------------------------------------------- */

/* OCPP's charge box identity: URL-safe "unreserved" characters, at most 48. */
static bool valid_identity(const char *id)
{
    size_t n = strlen(id);
    return n >= 1 && n <= 48 &&
           strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~-") == n;
}

static bool has_key(const char *json, const char *key)
{
    bool present;
    free(host_settings_string(json, key, &present));
    return present;
}

/* The longest idTag each OCPP version takes (the generated types' ID_TAG_MAX_LENGTH, 1.6's
 * CiString20, and ID_TOKEN_MAX_LENGTH, 2.0.1's IdTokenType.idToken; sim/cli-options.mjs reads
 * them from the same schemas). */
#define ID_TAG_MAX 20
#define ID_TOKEN_MAX 36

/* Does the bundle speak OCPP 2.0.1? A bundle speaks its own version, the subprotocol it asks
 * for: a file that names "ocpp2.0.1" (a script, or its bytecode, which keeps the text) is a
 * 2.0.1 bundle; any other, and one that cannot be read (the host says so later), 1.6's. */
static bool bundle_speaks_201(const char *path)
{
    static const char word[] = "ocpp2.0.1";
    enum { WORD = sizeof word - 1, CHUNK = 64 * 1024 };
    FILE *f = path ? fopen(path, "rb") : NULL;
    char *buf = f ? malloc(CHUNK + WORD) : NULL;
    bool found = false;
    size_t kept = 0, n;
    while (buf && !found && (n = fread(buf + kept, 1, CHUNK, f)) > 0) {
        size_t have = kept + n;
        for (size_t i = 0; i + WORD <= have && !found; i++)
            found = memcmp(buf + i, word, WORD) == 0;
        kept = have < WORD - 1 ? have : WORD - 1; /* a word across two reads */
        memmove(buf, buf + have - kept, kept);
    }
    free(buf);
    if (f)
        fclose(f);
    return found;
}

int cli_parse(int argc, char **argv, cli_options *o, char *error, size_t error_size)
{
    memset(o, 0, sizeof *o);
    const char *value[F_COUNT] = { 0 };
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
            o->help = true;
            return 0;
        }
        if (strncmp(arg, "--", 2) != 0) {
            if (o->bundle)
                return fail(error, error_size, "Unexpected argument '%s'", arg);
            o->bundle = arg;
            continue;
        }
        const char *name = arg + 2;
        const char *equals = strchr(name, '=');
        size_t name_len = equals ? (size_t)(equals - name) : strlen(name);
        int f = 0;
        while (f < F_COUNT && !(strlen(flag_names[f]) == name_len && strncmp(flag_names[f], name, name_len) == 0))
            f++;
        if (f == F_COUNT) {
            if (name_len == 8 && strncmp(name, "stations", 8) == 0)
                return fail(error, error_size, "--stations: one ocpp-host runs one station (start one per station)");
            return fail(error, error_size, "Unknown option '--%.*s'", (int)name_len, name);
        }
        if (equals)
            value[f] = equals + 1;
        else if (i + 1 < argc && strncmp(argv[i + 1], "--", 2) != 0)
            value[f] = argv[++i];
        else
            return fail(error, error_size, "Option '--%s <value>' argument missing", flag_names[f]);
    }

    if (!o->bundle)
        return fail(error, error_size, "the bundle to run is required (e.g. dist/firmware.js)");
    if (value[F_COMPILE]) {
        for (int f = 0; f < F_COUNT; f++)
            if (f != F_COMPILE && value[f])
                return fail(error, error_size, "--compile takes no other option (got --%s)", flag_names[f]);
        o->compile = value[F_COMPILE];
        return 0;
    }
    /* The settings file is the base; every flag given overrides its field (as the simulator's
     * --settings). The file must be a JSON object; the bundle falls back to a field's default
     * when its type is wrong. */
    char *file = NULL;
    if (value[F_SETTINGS]) {
        size_t file_len;
        file = posix_read_file(value[F_SETTINGS], &file_len);
        if (!file)
            return fail(error, error_size, "--settings: cannot read %s: %s", value[F_SETTINGS], strerror(errno));
        char why[200];
        char *checked = host_settings_merge(file, "{}", value[F_SETTINGS], why, sizeof why);
        if (!checked) {
            free(file);
            return fail(error, error_size, "--settings: %s", why);
        }
        free(checked);
        bool present;
        o->file_url = value[F_URL] ? NULL : host_settings_string(file, "url", &present);
        o->file_id = value[F_ID] ? NULL : host_settings_string(file, "id", &present);
        o->file_scenario = value[F_SCENARIO] ? NULL : host_settings_string(file, "scenario", &present);
        o->file_log_level = value[F_LOG_LEVEL] ? NULL : host_settings_string(file, "logLevel", &present);
        o->settings_file = file;
    }
    if (!value[F_URL] && !o->file_url)
        return fail(error, error_size, "--url is required (the CSMS websocket URL, e.g. ws://localhost:9000/ocpp)%s",
                    file ? ", or \"url\" in --settings" : "");
    if (!value[F_ID] && !o->file_id)
        return fail(error, error_size, "--id is required (the station id, appended to the URL)%s",
                    file ? ", or \"id\" in --settings" : "");
    const char *url = value[F_URL] ? value[F_URL] : o->file_url;
    const char *scheme_end = strstr(url, "://");
    if (!scheme_end || scheme_end == url || !scheme_end[3] || scheme_end[3] == '/')
        return fail(error, error_size, "--url \"%s\" is not a URL", url);
    if (strncmp(url, "ws://", 5) != 0 && strncmp(url, "wss://", 6) != 0)
        return fail(error, error_size, "--url must start with ws:// or wss://, got \"%s\"", url);
    o->id = value[F_ID] ? value[F_ID] : o->file_id;
    if (!valid_identity(o->id))
        return fail(error, error_size, "--id: \"%s\" is not a valid station id (letters, digits, . _ ~ -; at most 48)",
                    o->id);

    const char *scenario = value[F_SCENARIO] ? value[F_SCENARIO] : o->file_scenario ? o->file_scenario : "idle";
    bool firmware_scenario = !value[F_SCENARIO] && !*scenario; /* a settings file as the module has it */
    if (strcmp(scenario, "idle") != 0 && strcmp(scenario, "session") != 0 && strcmp(scenario, "none") != 0 &&
        !firmware_scenario)
        return fail(error, error_size, "--scenario must be idle, session or none, got \"%s\"", scenario);
    const char *id_tag = value[F_ID_TAG] ? value[F_ID_TAG] : "DEMO-TAG";
    size_t id_tag_chars = 0; /* characters, not bytes */
    for (const char *p = id_tag; *p; p++)
        id_tag_chars += ((unsigned char)*p & 0xC0) != 0x80;
    bool v201 = bundle_speaks_201(o->bundle);
    size_t id_tag_max = v201 ? ID_TOKEN_MAX : ID_TAG_MAX;
    if (id_tag_chars < 1 || id_tag_chars > id_tag_max)
        return fail(error, error_size, "--id-tag must be 1 to %zu characters (OCPP IdToken of %s), got \"%s\"", id_tag_max,
                    v201 ? "the 2.0.1 bundle" : "a 1.6 bundle; 2.0.1's takes 36", id_tag);
    double duration = 0;
    if (value[F_DURATION]) {
        const char *text = value[F_DURATION];
        char *end;
        duration = strtod(text, &end);
        while (*end == ' ')
            end++;
        if (strspn(text, " ") == strlen(text) || *end || !isfinite(duration) || duration < 0)
            return fail(error, error_size, "--duration must be a number of seconds >= 0, got \"%s\"", text);
    }
    o->log_level = value[F_LOG_LEVEL] ? value[F_LOG_LEVEL] : o->file_log_level ? o->file_log_level : "info";
    const char *levels[] = { "debug", "info", "warning", "error" };
    for (int i = 0; i < 4; i++)
        if (strcmp(o->log_level, levels[i]) == 0)
            o->log_level_number = 10 * (i + 1);
    if (!o->log_level_number)
        return fail(error, error_size, "--log-level must be debug, info, warning or error, got \"%s\"", o->log_level);
    if (value[F_PASSWORD] && !*value[F_PASSWORD])
        return fail(error, error_size, "--password must not be empty");
    if (!value[F_CERT] != !value[F_KEY])
        return fail(error, error_size, "--cert and --key go together");

    double security_profile = -1; /* -1: not given, the bundle derives it from the other flags */
    if (value[F_SECURITY_PROFILE] &&
        whole_number("security-profile", value[F_SECURITY_PROFILE], 0, 3, &security_profile, error, error_size))
        return -1;
    bool file_password = false;
    if (file) {
        char *p = host_settings_string(file, "password", &file_password);
        file_password = p && *p;
        free(p);
    }
    if ((security_profile == 1 || security_profile == 2) && !value[F_PASSWORD] && !file_password)
        return fail(error, error_size, "--security-profile %d needs --password (Basic auth)", (int)security_profile);
    if (security_profile == 3 && !value[F_CERT])
        return fail(error, error_size, "--security-profile 3 needs --cert and --key (client certificate)");

    double connectors = 2, heap_limit = DEFAULT_HEAP_LIMIT, watchdog = DEFAULT_WATCHDOG_MS;
    if (value[F_CONNECTORS] &&
        whole_number("connectors", value[F_CONNECTORS], 1, 100, &connectors, error, error_size))
        return -1;
    if (value[F_HEAP_LIMIT] &&
        whole_number("heap-limit", value[F_HEAP_LIMIT], 65536, 2147483648.0, &heap_limit, error, error_size))
        return -1;
    if (value[F_WATCHDOG_MS] &&
        whole_number("watchdog-ms", value[F_WATCHDOG_MS], 10, 3600000, &watchdog, error, error_size))
        return -1;
    o->heap_limit = (size_t)heap_limit;
    o->watchdog_ms = (int)watchdog;
    o->data_dir = value[F_DATA_DIR] ? value[F_DATA_DIR] : "sim-data";
    o->hardware = value[F_HARDWARE];

    char *pem[3] = { NULL, NULL, NULL };
    const int pem_flags[3] = { F_CA, F_CERT, F_KEY };
    for (int i = 0; i < 3; i++)
        if (value[pem_flags[i]] && !(pem[i] = read_pem(flag_names[pem_flags[i]], value[pem_flags[i]], error, error_size))) {
            free(pem[0]);
            free(pem[1]);
            return -1;
        }

    /* The settings, keys in the simulator's order (hal/settings.ts reads them by name). */
    size_t url_len = strlen(url);
    while (url_len > 0 && url[url_len - 1] == '/')
        url_len--;
    char *trimmed = strndup(url, url_len);
    /* With a settings file, a field comes from the flag when given, else from the file, else
     * the flag's default. */
#define FROM_FLAG(flag, key) (!file || value[flag] || !has_key(file, key))
    text_buffer b = { 0 };
    put(&b, "{", 1);
    put_key(&b, "url");
    put_json_string(&b, trimmed);
    if (FROM_FLAG(F_CONNECTORS, "connectors")) {
        put_key(&b, "connectors");
        put_number(&b, connectors);
    }
    put_key(&b, "scenario");
    put_json_string(&b, scenario);
    if (FROM_FLAG(F_ID_TAG, "idTag")) {
        put_key(&b, "idTag");
        put_json_string(&b, id_tag);
    }
    if (FROM_FLAG(F_DURATION, "duration")) {
        put_key(&b, "duration");
        put_number(&b, duration);
    }
    if (FROM_FLAG(F_PASSWORD, "password")) {
        put_key(&b, "password");
        put_json_string(&b, value[F_PASSWORD] ? value[F_PASSWORD] : "");
    }
    const char *pem_keys[3] = { "ca", "cert", "key" };
    for (int i = 0; i < 3; i++) {
        if (FROM_FLAG(pem_flags[i], pem_keys[i])) {
            put_key(&b, pem_keys[i]);
            put_json_string(&b, pem[i] ? pem[i] : "");
        }
        free(pem[i]);
    }
#undef FROM_FLAG
    if (security_profile >= 0) {
        put_key(&b, "securityProfile");
        put_number(&b, security_profile);
    }
    put_key(&b, "logLevel");
    put_json_string(&b, o->log_level);
    put_key(&b, "id");
    put_json_string(&b, o->id);
    put(&b, "}", 1);
    o->url = trimmed;
    o->settings_json = finish(&b);
    if (!o->settings_json)
        abort(); /* flags are small; running out here means the machine is gone */
    if (file) {
        o->settings_json = host_settings_merge(file, b.text, value[F_SETTINGS], error, error_size);
        free(b.text);
        if (!o->settings_json)
            return -1;
    }
    return 0;
}

void cli_free(cli_options *o)
{
    free((char *)o->url);
    free(o->settings_json);
    free(o->settings_file);
    free(o->file_url);
    free(o->file_id);
    free(o->file_scenario);
    free(o->file_log_level);
}
