/* langcodes.h - ISO 639 code tables (langcodes.c, generated) and lookup. */
#ifndef ACCORD_STIX_LANGCODES_H
#define ACCORD_STIX_LANGCODES_H

extern const char acc__lang2[];      /* sorted two-letter codes, concatenated */
extern const unsigned acc__lang2_count;
extern const char acc__lang3[];      /* sorted three-letter codes, concatenated */
extern const unsigned acc__lang3_count;

#endif
