/* loom-nbctl: ovn-nbctl's command syntax against an OVN Northbound database. */
#include <stdio.h>

#include "utilities/db-ctl.h"

static const struct ctl_command_spec nb_commands[] = {
    { NULL, 0, 0, NULL, NULL, NULL },
};

static const struct ctl_row_id nb_row_ids[] = {
    { "NB_Global", NULL },
    { "Logical_Switch", "name" },
    { "Logical_Switch_Port", "name" },
    { "Logical_Router", "name" },
    { "Logical_Router_Port", "name" },
    { "Address_Set", "name" },
    { "Port_Group", "name" },
    { "Load_Balancer", "name" },
    { "Load_Balancer_Group", "name" },
    { "Meter", "name" },
    { "HA_Chassis_Group", "name" },
    { "Gateway_Chassis", "name" },
    { "Forwarding_Group", "name" },
    { "Mirror", "name" },
    { "Logical_Router_Policy", NULL },
    { NULL, NULL },
};

static void usage(void)
{
    printf("loom-nbctl: OVN northbound DB management utility\n"
           "usage: loom-nbctl [OPTIONS] COMMAND [ARG...] [-- COMMAND...]\n");
}

static const struct ctl_program nbctl = {
    .name = "loom-nbctl",
    .db_name = "OVN_Northbound",
    .default_db = "unix:/var/run/ovn/ovnnb_db.sock",
    .db_env = "OVN_NB_DB",
    .commands = nb_commands,
    .row_ids = nb_row_ids,
    .global_table = "NB_Global",
    .usage = usage,
};

int main(int argc, char *argv[])
{
    return ctl_main(&nbctl, argc, argv);
}
