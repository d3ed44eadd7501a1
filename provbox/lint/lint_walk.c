/* TEMPORARY scaffold so the API builds; replaced by the real walk. */
#include <stdarg.h>
#include "gwlib/gwlib.h"
#include "encode/wbxml_xml.h"
#include "lint/lint_walk.h"
struct LintWalk { LintOptions options; List *findings; };
LintWalk *lint_walk_create(const LintOptions *o)
{ LintWalk *w = gw_malloc(sizeof(*w)); w->options = *o; w->findings = gwlist_create(); return w; }
void lint_walk_destroy(LintWalk *w) { lint_findings_destroy(w->findings); gw_free(w); }
int lint_walk_document(LintWalk *w, Octstr *xml, Octstr **error)
{ xmlDocPtr d = wbxml_xml_parse(xml, error); (void) w; if (d == NULL) return -1; xmlFreeDoc(d); return 0; }
void lint_walk_report(LintWalk *w, long line, LintSeverity s, const char *fmt, ...)
{ va_list a; LintFinding *f = gw_malloc(sizeof(*f)); va_start(a, fmt); f->line = line; f->severity = s;
  f->message = octstr_format_valist(fmt, a); va_end(a); gwlist_append(w->findings, f); }
List *lint_walk_findings(LintWalk *w) { List *l = w->findings; w->findings = gwlist_create(); return l; }
