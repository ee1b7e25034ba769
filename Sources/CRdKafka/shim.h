#ifndef GROUPWARDEN_CRDKAFKA_SHIM_H
#define GROUPWARDEN_CRDKAFKA_SHIM_H
// The whole C surface GroupWarden uses: librdkafka and its in-process mock cluster.
// Only the KafkaClient module imports this.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#endif
