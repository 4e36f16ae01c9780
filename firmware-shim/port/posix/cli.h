/*
 * ocpp-host's flags: the simulator CLI's (sim/cli-options.mjs) where they apply to one
 * native station, checked the same way, with the same words when they are wrong.
 */
#ifndef OCPP_CLI_H
#define OCPP_CLI_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cli_options {
    bool help;
    const char *bundle;    /* the firmware bundle, e.g. dist/firmware.js */
    const char *compile;   /* --compile: write the bundle's bytecode here, run nothing */
    const char *url;       /* trailing slashes dropped: the bundle appends "/<id>" */
    const char *id;
    const char *data_dir;  /* default ./sim-data, as the simulator */
    const char *log_level; /* debug | info | warning | error */
    const char *hardware;  /* --hardware: the folder of the charger's IO state files, or NULL */
    int log_level_number;  /* 10 | 20 | 30 | 40 */
    size_t heap_limit;
    int watchdog_ms;
    char *settings_json;   /* hal/settings.ts, as the simulator hands it to its stations */
    char *settings_file;   /* --settings: the file's text (owned) */
    char *file_url, *file_id, *file_scenario, *file_log_level; /* its fields the flags did not give (owned) */
} cli_options;

extern const char CLI_USAGE[];

/* 0, or -1 with what is wrong in `error` (the caller prints it and exits 2). */
int cli_parse(int argc, char **argv, cli_options *options, char *error, size_t error_size);
void cli_free(cli_options *options);

#endif
