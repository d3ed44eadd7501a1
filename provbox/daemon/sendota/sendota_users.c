/*
 * sendota_users.c - the sendota-user groups (see sendota_users.h).
 */
#include "gwlib/gwlib.h"
#include "daemon/sendota/sendota_users.h"
#include "common/log_escaped.h"

struct SendotaUsers {
    List *users;    /* SendotaUser* */
};

static void user_destroy(void *item)
{
    SendotaUser *u = item;

    octstr_destroy(u->username);
    octstr_destroy(u->password);
    octstr_destroy(u->allow_ip);
    octstr_destroy(u->default_sender);
    octstr_destroy(u->default_smsc);
    octstr_destroy(u->forced_smsc);
    gw_free(u);
}

static int read_max_recipients(CfgGroup *grp, SendotaUser *u)
{
    Octstr *raw = cfg_get(grp, octstr_imm("max-recipients"));
    long value;
    int ret = 0;

    u->max_recipients = SENDOTA_DEFAULT_MAX_RECIPIENTS;
    if (raw == NULL)
        return 0;
    if (octstr_parse_long(&value, raw, 0, 10) != octstr_len(raw) || value < 1 || value > 100000)
        ret = -1;
    else
        u->max_recipients = value;
    octstr_destroy(raw);
    return ret;
}

static SendotaUser *user_read(CfgGroup *grp, const char *file)
{
    SendotaUser *u = gw_malloc(sizeof(*u));

    u->username = cfg_get(grp, octstr_imm("username"));
    u->password = cfg_get(grp, octstr_imm("password"));
    u->allow_ip = cfg_get(grp, octstr_imm("user-allow-ip"));
    u->default_sender = cfg_get(grp, octstr_imm("default-sender"));
    u->default_smsc = cfg_get(grp, octstr_imm("default-smsc"));
    u->forced_smsc = cfg_get(grp, octstr_imm("forced-smsc"));
    if (octstr_len(u->username) == 0 || octstr_len(u->password) == 0) {
        error(0, "%s: group 'sendota-user' needs a username and a password.", file);
        user_destroy(u);
        return NULL;
    }
    if (read_max_recipients(grp, u) < 0) {
        log_escaped_error(0, "%s: group 'sendota-user' '%S': max-recipients must be a number "
                          "from 1 to 100000.", file, u->username);
        user_destroy(u);
        return NULL;
    }
    return u;
}

static int find(List *users, Octstr *username)
{
    long i;

    for (i = 0; i < gwlist_len(users); i++)
        if (octstr_compare(((SendotaUser *) gwlist_get(users, i))->username, username) == 0)
            return 1;
    return 0;
}

SendotaUsers *sendota_users_load(Cfg *cfg)
{
    SendotaUsers *users = gw_malloc(sizeof(*users));
    List *groups = cfg_get_multi_group(cfg, octstr_imm("sendota-user"));
    CfgGroup *grp;
    SendotaUser *u;
    Octstr *file;
    int ok = 1;

    users->users = gwlist_create();
    while (ok && groups != NULL && (grp = gwlist_extract_first(groups)) != NULL) {
        file = cfg_get_configfile(grp);     /* a copy */
        u = user_read(grp, octstr_get_cstr(file));
        octstr_destroy(file);
        if (u != NULL && find(users->users, u->username)) {
            log_escaped_error(0, "sendota-user '%S' is defined twice.", u->username);
            user_destroy(u);
            u = NULL;
        }
        if (u == NULL)
            ok = 0;
        else
            gwlist_append(users->users, u);
    }
    gwlist_destroy(groups, NULL);
    if (!ok) {
        sendota_users_destroy(users);
        return NULL;
    }
    return users;
}

void sendota_users_destroy(SendotaUsers *users)
{
    if (users == NULL)
        return;
    gwlist_destroy(users->users, user_destroy);
    gw_free(users);
}

long sendota_users_count(const SendotaUsers *users)
{
    return gwlist_len(users->users);
}

/* Equal strings, in a time that does not depend on where they differ. */
static int same_secret(Octstr *given, Octstr *expected)
{
    long i, n = octstr_len(expected);
    int diff = octstr_len(given) != n;

    for (i = 0; i < n; i++)
        diff |= octstr_get_char(given, i % (octstr_len(given) > 0 ? octstr_len(given) : 1))
                ^ octstr_get_char(expected, i);
    return !diff;
}

const SendotaUser *sendota_users_check(const SendotaUsers *users, Octstr *username,
                                       Octstr *password, Octstr *ip)
{
    long i;

    if (username == NULL || password == NULL)
        return NULL;
    for (i = 0; i < gwlist_len(users->users); i++) {
        SendotaUser *u = gwlist_get(users->users, i);
        if (octstr_compare(u->username, username) != 0)
            continue;
        if (!same_secret(password, u->password) || connect_denied(u->allow_ip, ip))
            return NULL;
        return u;
    }
    return NULL;
}
