/* loom-sbctl: ovn-sbctl's command syntax against an OVN Southbound database. */
#include <stdio.h>

#include "utilities/db-ctl.h"

static const struct ctl_command_spec sb_commands[] = {
    { NULL, 0, 0, NULL, NULL, NULL },
};

static const struct ctl_row_id sb_row_ids[] = {
    { "SB_Global", NULL },
    { "Chassis", "name" },
    { "Chassis_Private", "name" },
    { "Port_Binding", "logical_port" },
    { "HA_Chassis_Group", "name" },
    { "Address_Set", "name" },
    { "Port_Group", "name" },
    { "Meter", "name" },
    { NULL, NULL },
};

static void usage(void)
{
    printf("loom-sbctl: OVN southbound DB management utility\n"
           "usage: loom-sbctl [OPTIONS] COMMAND [ARG...] [-- COMMAND...]\n");
}

static const struct ctl_program sbctl = {
    .name = "loom-sbctl",
    .db_name = "OVN_Southbound",
    .default_db = "unix:/var/run/ovn/ovnsb_db.sock",
    .db_env = "OVN_SB_DB",
    .commands = sb_commands,
    .row_ids = sb_row_ids,
    .global_table = NULL,
    .usage = usage,
};

int main(int argc, char *argv[])
{
    return ctl_main(&sbctl, argc, argv);
}
