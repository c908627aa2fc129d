/** The doctor: known failures explained from the evidence, for captures (capture-doctor.ts) and live answers (explain.ts). */
export * from './explain';
export * from './explain-clients';
export * from './addresses';
export * from './sniff';
export * from './frame-access';
export * from './capture-doctor';
export * from './format';
export * from './acl-signature';
