/* SPDX-License-Identifier: GPL-2.0 */
/* Xen's <xen/param.h>, for the glue in userspace: see glue_emul.h. */
#include "glue_emul.h"
