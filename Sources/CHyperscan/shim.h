#ifndef GROUPWARDEN_CHYPERSCAN_SHIM_H
#define GROUPWARDEN_CHYPERSCAN_SHIM_H
// Hyperscan 5.4 (Debian libhyperscan-dev) or Vectorscan: both install <hs/hs.h>, pkg-config libhs.
#include <hs/hs.h>
#endif
