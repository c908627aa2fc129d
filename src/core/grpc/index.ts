/** RocketMQ 5's gRPC protocol in captures: HTTP/2 + HPACK + gRPC messages + apache.rocketmq.v2 protobuf. */
export * from './h2';
export * from './tls';
export * from './hpack';
export * from './proto';
export * from './h2-stream';
export * from './connection';
export * from './capture';
export * from './describe';
