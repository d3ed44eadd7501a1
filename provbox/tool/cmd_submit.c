/*
 * cmd_submit.c - `provctl submit`: options + a document -> a job in new/.
 *
 * Each option becomes the job header of the same name (--to and each line
 * of --to-file become To: lines), the document follows the empty line, and
 * the text is checked by job_parse(), the parser the daemon runs, before
 * spool_submit() writes it into tmp/, fsyncs it and renames it into new/.
 * So nothing the daemon would reject is ever submitted, and a message
 * names the option (or --to-file line) at fault, never a PIN, an IMSI or a
 * variable's value. When the document compiles, its {{NAME}} placeholders
 * are checked against the recipients' var.NAME= and the --var defaults as
 * provbox checks them at the claim (job_vars_check()); a document that does
 * not compile is left to provbox, which fails the job with the compiler's
 * reason.
 */
#include <stdio.h>
#include <string.h>

#include "gwlib/gwlib.h"
#include "encode/template.h"
#include "encode/wbxml.h"
#include "spool/job.h"
#include "spool/spool.h"
#include "tool/cmdline.h"
#include "tool/commands.h"

static const char usage_text[] =
"usage: provctl submit --spool DIR --to N [--to N ...] [--to-file FILE]\n"
"                      --sec MODE [--pin P] [--imsi I] [--from S] [--smsc ID]\n"
"                      [--dlr yes|no] [--validity MIN] [--priority 0-3]\n"
"                      [--not-before 2026-11-26T10:00:00Z] [--rate N]\n"
"                      [--send-window '08:00-21:00 Europe/Oslo'] [--id REF]\n"
"                      [--var NAME=VALUE ...] [--type oma-settings] DOC.xml|-\n"
"\n"
"Writes a job into the spool the safe way (tmp/, fsync, rename into new/)\n"
"and prints its name. Each option is the job header of the same name\n"
"(doc/job-format.md); the job is checked exactly as provbox checks it.\n"
"\n"
"  --spool DIR       provbox's spool-dir (it must exist)\n"
"  --to N            a recipient MSISDN; repeat for more. 'N imsi=I pin=P'\n"
"                    gives the recipient its own IMSI and/or PIN, and\n"
"                    'N var.NAME=VALUE' its value for the document's {{NAME}}\n"
"                    (VALUE percent-encoded: %20 a blank, %25 '%')\n"
"  --to-file FILE    one recipient per line, as after To: ('#' comments)\n"
"  --sec MODE        NETWPIN, USERPIN, USERNETWPIN, USERPINMAC or NONE\n"
"  --pin P           the PIN (USERPIN, USERNETWPIN, USERPINMAC)\n"
"  --imsi I          the IMSI (NETWPIN, USERNETWPIN)\n"
"  --from S          sender (default: provbox's sender)\n"
"  --smsc ID         route through this smsc-id\n"
"  --dlr yes|no      ask for delivery reports (default yes)\n"
"  --validity MIN    validity in minutes\n"
"  --priority N      0-3\n"
"  --not-before T    do not send before this UTC time\n"
"  --rate N          at most N recipients per second (decimals allowed)\n"
"  --send-window W   send only between these times of day, in a time zone\n"
"  --id REF          your reference, echoed in the status file\n"
"  --var NAME=VALUE  the default for {{NAME}} (a Var: header); repeatable\n"
"\n"
"Exit status: 0 submitted, 1 rejected or not written (the message says\n"
"why), 2 usage error.\n";

/* Options copied one to one into a header of the job. */
static const struct {
    const char *option;
    const char *header;
} header_options[] = {
    { "--to", "To" }, { "--sec", "Sec" }, { "--pin", "Pin" },
    { "--imsi", "IMSI" }, { "--from", "From" }, { "--smsc", "SMSC" },
    { "--dlr", "DLR" }, { "--validity", "Validity" },
    { "--priority", "Priority" }, { "--not-before", "Not-Before" },
    { "--rate", "Rate" }, { "--send-window", "Send-Window" },
    { "--id", "Id" }, { "--type", "Type" }, { "--var", "Var" },
};

#define HEADER_OPTIONS ((int) (sizeof(header_options) / sizeof(header_options[0])))

/* The recipients one --to-file gave: job lines [first, first + count),
 * and the file line each came from (a million recipients cost 8 MB here,
 * not an Octstr each). */
typedef struct FileSpan {
    const char *path;
    long first, count, room;
    long *source_line;
} FileSpan;

/*
 * The job's header, in the order compose() writes it: the --to lines, the
 * --to-file recipients, the other headers, the empty line. Each line's
 * origin (the option, or FILE:LINE) names it in a message.
 */
typedef struct Submit {
    const char *spool;
    const char *doc;
    List *to_files;        /* const char *, in order */
    List *lines;           /* Octstr *: the --to lines */
    List *origins;         /* Octstr *: the option of each */
    Octstr *file_lines;    /* the --to-file recipients as To: lines */
    List *file_spans;      /* FileSpan *, one a file */
    long file_count;       /* lines in file_lines */
    List *headers;         /* Octstr *: the other header lines */
    List *header_origins;
    int given[HEADER_OPTIONS];
} Submit;

/* Returned by the argument parsers to go on; anything else is the exit status. */
#define GO_ON (-1)

static int rejected(Octstr *message)
{
    cmdline_print_shown(stderr, "provctl submit: ", message);
    octstr_destroy(message);
    return 1;
}

/* A value must stay on its header line. */
static int has_control_n(const char *value, long len)
{
    long i;

    for (i = 0; i < len; i++)
        if ((unsigned char) value[i] < 0x20 || value[i] == 0x7F)
            return 1;
    return 0;
}

static int has_control(const char *value)
{
    return has_control_n(value, (long) strlen(value));
}

static void add_line(List *lines, List *origins, Octstr *line, Octstr *origin)
{
    gwlist_append(lines, line);
    gwlist_append(origins, origin);
}

/* Which header option argv[*i] is, or -1; *missing when it has no value. */
static int find_header_option(int argc, char **argv, int *i,
                              const char **value, int *missing)
{
    int k, found;

    for (k = 0; k < HEADER_OPTIONS; k++) {
        found = cmdline_option(argc, argv, i, header_options[k].option, value);
        *missing = found < 0;
        if (found != 0)
            return k;
    }
    return -1;
}

/* One header option: GO_ON when taken, 0 when it is none, else the status. */
static int take_header_option(int argc, char **argv, int *i, Submit *s)
{
    const char *value = NULL;
    int missing, k = find_header_option(argc, argv, i, &value, &missing);
    int is_to, repeatable;

    if (k < 0)
        return 0;
    if (missing)
        return cmdline_usage_error("submit", "%s needs a value", header_options[k].option);
    is_to = strcmp(header_options[k].option, "--to") == 0;
    repeatable = is_to || strcmp(header_options[k].option, "--var") == 0;
    if (!repeatable && s->given[k])
        return cmdline_usage_error("submit", "%s given twice", header_options[k].option);
    s->given[k] = 1;
    if (has_control(value))
        return rejected(octstr_format("%s: the value contains a control "
                                      "character", header_options[k].option));
    add_line(is_to ? s->lines : s->headers, is_to ? s->origins : s->header_origins,
             octstr_format("%s: %s", header_options[k].header, value),
             octstr_create(header_options[k].option));
    return GO_ON;
}

static int take_argument(int argc, char **argv, int *i, Submit *s)
{
    const char *value = NULL, *option = argv[*i];
    int found = cmdline_option(argc, argv, i, "--spool", &value);

    if (found > 0 && s->spool != NULL)
        return cmdline_usage_error("submit", "--spool given twice");
    if (found > 0) {
        s->spool = value;
        return GO_ON;
    }
    if (found == 0 && (found = cmdline_option(argc, argv, i, "--to-file", &value)) > 0) {
        gwlist_append(s->to_files, (void *) value);
        return GO_ON;
    }
    if (found < 0)
        return cmdline_usage_error("submit", "%s needs a value", option);
    found = take_header_option(argc, argv, i, s);
    if (found != 0)
        return found;
    if (option[0] == '-' && option[1] != '\0')
        return cmdline_usage_error("submit", "unknown option %s", option);
    if (s->doc != NULL)
        return cmdline_usage_error("submit", "one document at a time (%s is extra)", option);
    s->doc = option;
    return GO_ON;
}

static int parse_arguments(int argc, char **argv, Submit *s)
{
    int i, status;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage_text, stdout);
            return 0;
        }
        status = take_argument(argc, argv, &i, s);
        if (status != GO_ON)
            return status;
    }
    if (s->spool == NULL)
        return cmdline_usage_error("submit", "--spool DIR is required");
    if (s->doc == NULL)
        return cmdline_usage_error("submit", "no document given (use - for stdin)");
    if (gwlist_len(s->lines) == 0 && gwlist_len(s->to_files) == 0)
        return cmdline_usage_error("submit", "no recipient: give --to or --to-file");
    return GO_ON;
}

static FileSpan *file_span_create(Submit *s, const char *path)
{
    FileSpan *span = gw_malloc(sizeof(*span));

    span->path = path;
    span->first = s->file_count;
    span->count = span->room = 0;
    span->source_line = NULL;
    gwlist_append(s->file_spans, span);
    return span;
}

static void file_span_destroy(void *p)
{
    FileSpan *span = p;

    gw_free(span->source_line);
    gw_free(span);
}

static void file_span_add(Submit *s, FileSpan *span, const char *value, long len,
                          long source_line)
{
    if (span->count == span->room) {
        span->room = span->room * 2 + 1024;
        span->source_line = gw_realloc(span->source_line,
                                       span->room * sizeof(*span->source_line));
    }
    span->source_line[span->count++] = source_line;
    octstr_append_cstr(s->file_lines, "To: ");
    octstr_append_data(s->file_lines, value, len);
    octstr_append_char(s->file_lines, '\n');
    s->file_count++;
}

static int is_blank(int c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* A line's value without the blanks around it: *start, and its length. */
static long stripped(const char *line, long len, const char **start)
{
    while (len > 0 && is_blank(line[0])) {
        line++;
        len--;
    }
    while (len > 0 && is_blank(line[len - 1]))
        len--;
    *start = line;
    return len;
}

/* Appends a --to-file's recipients as To: lines, a line at a time from the
 * file's text; 0, or -1 + *error. */
static int read_to_file(Submit *s, const char *path, Octstr **error)
{
    Octstr *text = cmdline_read(path, error);
    FileSpan *span;
    const char *at, *value;
    long pos = 0, end, number = 0, len;

    if (text == NULL)
        return -1;
    span = file_span_create(s, path);
    at = octstr_get_cstr(text);
    while (pos < octstr_len(text) && *error == NULL) {
        end = octstr_search_char(text, '\n', pos);
        if (end < 0)
            end = octstr_len(text);
        number++;
        len = stripped(at + pos, end - pos, &value);
        if (len > 0 && value[0] != '#') {
            if (has_control_n(value, len))
                *error = octstr_format("%s:%ld: the line contains a control character",
                                       cmdline_input_name(path), number);
            else
                file_span_add(s, span, value, len, number);
        }
        pos = end + 1;
    }
    octstr_destroy(text);
    return *error == NULL ? 0 : -1;
}

static void append_lines(Octstr *text, List *lines)
{
    long i;

    for (i = 0; i < gwlist_len(lines); i++) {
        octstr_append(text, gwlist_get(lines, i));
        octstr_append_char(text, '\n');
    }
}

/* The --to lines, the --to-file ones, the other headers, the empty line. */
static Octstr *compose(Submit *s, Octstr *document)
{
    Octstr *text = octstr_create("");

    append_lines(text, s->lines);
    octstr_append(text, s->file_lines);
    append_lines(text, s->headers);
    octstr_append_char(text, '\n');
    octstr_append(text, document);
    return text;
}

/* Where job line k (from 0) came from: FILE:LINE of a --to-file. */
static Octstr *file_origin(Submit *s, long k)
{
    long i;

    for (i = 0; i < gwlist_len(s->file_spans); i++) {
        FileSpan *span = gwlist_get(s->file_spans, i);
        if (k >= span->first && k < span->first + span->count)
            return octstr_format("%s:%ld", cmdline_input_name(span->path),
                                 span->source_line[k - span->first]);
    }
    return octstr_create("?");
}

/* Where job line k (from 0) came from: an option, FILE:LINE or the document. */
static Octstr *origin_of(Submit *s, long k)
{
    if (k < gwlist_len(s->lines))
        return octstr_duplicate(gwlist_get(s->origins, k));
    k -= gwlist_len(s->lines);
    if (k < s->file_count)
        return file_origin(s, k);
    k -= s->file_count;
    if (k < gwlist_len(s->headers))
        return octstr_duplicate(gwlist_get(s->header_origins, k));
    return octstr_create(cmdline_input_name(s->doc));
}

/* The parser's "line N: cause" as "ORIGIN: cause" (the option or file line). */
static Octstr *locate(Submit *s, Octstr *message)
{
    long line, end, header_lines = gwlist_len(s->lines) + s->file_count
                                   + gwlist_len(s->headers) + 1;
    Octstr *cause, *origin, *located;

    if (octstr_str_ncompare(message, "line ", 5) != 0
        || (end = octstr_parse_long(&line, message, 5, 10)) <= 5
        || octstr_get_char(message, end) != ':'
        || line < 1 || line > header_lines)
        return octstr_duplicate(message);
    cause = octstr_copy(message, end, octstr_len(message));
    origin = origin_of(s, line - 1);
    located = octstr_format("%S%S", origin, cause);
    octstr_destroy(origin);
    octstr_destroy(cause);
    return located;
}

/* Do the job's variables fit its document's placeholders? NULL, or the
 * reason ("line N: ..."); NULL too when the document does not compile. */
static Octstr *vars_problem(const Job *job)
{
    Octstr *error = NULL, *reason = NULL;
    WbxmlTemplate *t;

    if (doc_type_is_legacy(job->type))
        return job_vars_check(job, NULL);
    t = wbxml_template_compile(job->document, &error);
    if (t != NULL)
        reason = job_vars_check(job, wbxml_template_names(t));
    wbxml_template_destroy(t);
    octstr_destroy(error);
    return reason;
}

/* Reads the inputs and builds the job text, checked; NULL + *error. */
static Octstr *build_job(Submit *s, Octstr **error)
{
    Octstr *document, *text, *why = NULL;
    Job *job;
    long i;

    for (i = 0; i < gwlist_len(s->to_files); i++)
        if (read_to_file(s, gwlist_get(s->to_files, i), error) < 0)
            return NULL;
    document = cmdline_read(s->doc, error);
    if (document == NULL)
        return NULL;
    text = compose(s, document);
    octstr_destroy(document);
    job = job_parse(NULL, text, &why);
    if (job != NULL)
        why = vars_problem(job);
    job_destroy(job);
    if (why == NULL)
        return text;
    *error = locate(s, why);
    octstr_destroy(why);
    octstr_destroy(text);
    return NULL;
}

static int write_job(Submit *s, Octstr *text)
{
    Octstr *dir = octstr_create(s->spool), *error = NULL, *name = NULL;
    Spool *spool = spool_open_existing(dir, &error);

    if (spool != NULL)
        name = spool_submit(spool, text, &error);
    spool_close(spool);
    octstr_destroy(dir);
    if (name == NULL)
        return rejected(error);
    cmdline_print_shown(stdout, "", name);
    octstr_destroy(name);
    return 0;
}

static void submit_init(Submit *s)
{
    memset(s, 0, sizeof(*s));
    s->to_files = gwlist_create();
    s->lines = gwlist_create();
    s->origins = gwlist_create();
    s->file_lines = octstr_create("");
    s->file_spans = gwlist_create();
    s->headers = gwlist_create();
    s->header_origins = gwlist_create();
}

static void submit_destroy(Submit *s)
{
    gwlist_destroy(s->to_files, NULL);
    gwlist_destroy(s->lines, octstr_destroy_item);
    gwlist_destroy(s->origins, octstr_destroy_item);
    octstr_destroy(s->file_lines);
    gwlist_destroy(s->file_spans, file_span_destroy);
    gwlist_destroy(s->headers, octstr_destroy_item);
    gwlist_destroy(s->header_origins, octstr_destroy_item);
}

int cmd_submit(int argc, char **argv)
{
    Submit s;
    Octstr *text, *error = NULL;
    int status;

    submit_init(&s);
    status = parse_arguments(argc, argv, &s);
    if (status == GO_ON) {
        wbxml_init();
        text = build_job(&s, &error);
        status = text != NULL ? write_job(&s, text) : rejected(error);
        octstr_destroy(text);
        wbxml_shutdown();
    }
    submit_destroy(&s);
    return status;
}
