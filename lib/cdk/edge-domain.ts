/**
 * An optional custom domain for the CloudFront distribution: `-c edgeDomainName=app.example.com
 * -c edgeCertificateArn=arn:aws:acm:us-east-1:...`. CloudFront only takes ACM certificates from
 * us-east-1, and the certificate (DNS-validated where the domain's zone lives) is issued outside
 * these stacks, so the app takes its ARN. Both or neither: a half-configured domain fails the synth.
 */
export interface EdgeDomain {
  readonly domainName: string;
  readonly certificateArn: string;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const CLOUDFRONT_CERTIFICATE = /^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[0-9a-f-]{36}$/;

/** Reads the two context values; undefined when neither is set. */
export function edgeDomainContext(domain: unknown, certificate: unknown): EdgeDomain | undefined {
  const given = (value: unknown) => value !== undefined && value !== null && value !== '';
  if (!given(domain) && !given(certificate)) return undefined;
  if (!given(domain) || !given(certificate)) {
    throw new Error(
      'Set both -c edgeDomainName= and -c edgeCertificateArn= (an ACM certificate in us-east-1), or neither',
    );
  }
  const domainName = String(domain).trim().toLowerCase();
  const certificateArn = String(certificate).trim();
  if (!DOMAIN.test(domainName)) throw new Error(`edgeDomainName "${domainName}" is not a domain name`);
  if (!CLOUDFRONT_CERTIFICATE.test(certificateArn)) {
    throw new Error(
      `edgeCertificateArn "${certificateArn}" is not an ACM certificate ARN in us-east-1 (CloudFront reads no other region)`,
    );
  }
  return { domainName, certificateArn };
}
