/**
 * Help texts of the one frame filter (filter.ts), shared by the CLI's usage and the inspector's
 * filter bar tooltips. No imports: the webview bundles this file as is.
 */

/** What `error` / "Errors only" selects (the definition is in errors.ts). */
export const ERROR_HELP = 'Errors: responses with a code other than SUCCESS, FLUSH_DISK_TIMEOUT / SLAVE_NOT_AVAILABLE / FLUSH_SLAVE_TIMEOUT (10–12) included, '
  + 'with the requests they answer, and damaged frames (undecodable header, truncated, TCP gap, oversize). '
  + 'Normal flow, not errors: PULL_NOT_FOUND / PULL_RETRY_IMMEDIATELY / PULL_OFFSET_MOVED (19–21) to pulls, '
  + 'QUERY_NOT_FOUND (22) to QUERY_MESSAGE / QUERY_CONSUMER_OFFSET / GET_KV_CONFIG, NO_MESSAGE / POLLING_TIMEOUT (208, 210) to pops.';

/** What free text matches. */
export const TEXT_HELP = 'Text (case-insensitive): code and status names, topic, endpoints, warnings, opaque (whole number); '
  + 'and inside the frames: message keys, UNIQ_KEY / msgId, offsetMsgId, property values, header field values, remark '
  + 'and body text (compressed bodies inflated, batch entries and pulled messages decoded). '
  + 'The response to a request whose content matches is listed too.';

/** CLI `--filter` syntax, one term per line. */
export const FILTER_SYNTAX = [
  'code=SEND_MESSAGE_V2,105   request codes (names, numbers, or part of a name) and response code names',
  '  code=SendMessage          gRPC methods: short name, full path (/apache.rocketmq.v2.MessagingService/SendMessage) or part of a name',
  'status=TOPIC_NOT_EXIST|17  responses with that response code',
  'req | resp                 requests / responses only',
  'error                      see "Errors" below',
  'topic=T | topic~=part      topic (exact) / topic containing (case-insensitive)',
  'opaque=N  conn=N|HOST:PORT  time=START..END (µs or ISO, first byte)  latency>5ms',
  'time>=1.5s time<=2s        first byte from / until a time into the capture (s, ms, us, or +SECONDS; also µs or ISO)',
  'proto=remoting             frames of one protocol',
  'warn | warn=gap | unanswered',
  'frames=3,5-9               these frame numbers (the doctor prints one per finding)',
  'anything else, or "quoted text": free text, see "Text" below',
];
