import CRdKafka
import Logging

extension RdKafkaCallbackContext {
    /// Installs the rebalance callback on a consumer configuration.
    func installRebalanceCallback(on conf: OpaquePointer) {
        rd_kafka_conf_set_rebalance_cb(conf, rdKafkaRebalanceCallback)
    }
}

/// Served inside `rd_kafka_consumer_poll`/`rd_kafka_consumer_close` on the polling thread.
/// Cooperative protocol: incremental assign/unassign; eager: full assign / assign(NULL).
/// The listener hears of assignments after they are applied, of revocations before.
private func rdKafkaRebalanceCallback(
    _ handle: OpaquePointer?, _ err: rd_kafka_resp_err_t,
    _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, _ opaque: UnsafeMutableRawPointer?
) {
    guard let handle, let context = RdKafkaCallbackContext.from(opaque) else { return }
    let partitions = TopicPartitionList.partitions(of: list)
    let (listener, consumer) = context.rebalance.withLock { ($0.listener, $0.consumer) }
    let cooperative = String(cString: rd_kafka_rebalance_protocol(handle)) == "COOPERATIVE"
    switch err {
    case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
        context.logger.info("partitions assigned", metadata: ["kafka.partitions": "\(partitions)"])
        applyAssignment(handle, list, assign: true, cooperative: cooperative, context: context)
        context.rebalance.withLock { $0.assignedOnce = true }
        if let listener, let consumer { listener.partitionsAssigned(partitions, by: consumer) }
    case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
        let lost = rd_kafka_assignment_lost(handle) != 0
        context.logger.info(
            lost ? "partitions lost" : "partitions revoked", metadata: ["kafka.partitions": "\(partitions)"])
        if let listener, let consumer {
            if lost {
                listener.partitionsLost(partitions, by: consumer)
            } else {
                listener.partitionsRevoked(partitions, by: consumer)
            }
        }
        applyAssignment(handle, list, assign: false, cooperative: cooperative, context: context)
    default:
        // An error during rebalancing: librdkafka asks us to drop the whole assignment.
        context.logger.warning(
            "rebalance error", metadata: ["kafka.error": "\(String(cString: rd_kafka_err2name(err)))"])
        if let listener, let consumer { listener.partitionsLost(partitions, by: consumer) }
        applyAssignment(handle, nil, assign: false, cooperative: false, context: context)
    }
}

private func applyAssignment(
    _ handle: OpaquePointer, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?, assign: Bool,
    cooperative: Bool, context: RdKafkaCallbackContext
) {
    do {
        if cooperative {
            try KafkaError.check(
                assign ? rd_kafka_incremental_assign(handle, list) : rd_kafka_incremental_unassign(handle, list))
        } else {
            try KafkaError.check(rd_kafka_assign(handle, assign ? list : nil), "assign")
        }
    } catch {
        context.logger.error("cannot apply assignment", metadata: ["kafka.error": "\(error)"])
    }
}
