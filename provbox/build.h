/*
 * build.h - the build configuration, force-included first into every
 * compilation by Makefile.am (-include), so no source includes it by hand.
 *
 * configure writes provbox-config.h with the usual PACKAGE / VERSION /
 * PACKAGE_* macros, which Kannel's gw-config.h (included by every gwlib
 * header) defines again for Kannel. Dropping ours here keeps the two apart;
 * provbox's own version is PROVBOX_VERSION, Kannel's is GW_VERSION.
 */
#ifndef PROVBOX_BUILD_H
#define PROVBOX_BUILD_H

#include "provbox-config.h"

#undef PACKAGE
#undef VERSION
#undef PACKAGE_NAME
#undef PACKAGE_STRING
#undef PACKAGE_TARNAME
#undef PACKAGE_VERSION
#undef PACKAGE_BUGREPORT
#undef PACKAGE_URL

#endif
