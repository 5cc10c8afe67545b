/** What a starter ops repo is made from: the answers to `zeroops init`'s questions. */
export interface StarterOptions {
  service: string;
  datacenters: string[];
  prometheusUrl: string;
  haproxySocket: string;
  owners: string[];
  env: string;
}
