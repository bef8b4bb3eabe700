/**
 * CloudFront in front of the HTTP API: no caching (every response is per-user), every
 * viewer header but Host forwarded, the viewer's address and public host added by a
 * CloudFront Function, a shared secret sent to the origin, HTTPS only, and the security
 * headers added at the edge. The functions add the same security headers themselves, so
 * the local runtime has them too; CloudFront's values win (`override`) so a function bug
 * cannot weaken them in the cloud.
 *
 * Access logs: standard logging v2 into the AccessLogs bucket, with the fields chosen so no
 * URI, referer or cookie is stored (lib/cdk/edge-access-logs.ts); legacy logging is off.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Function as CloudFrontFunction,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SERVICE_NAME } from '../definition';
import { EDGE_LOG_REGION, EdgeLogPublication } from './edge-access-logs';
import type { EdgeDomain } from './edge-domain';
import type { ApplicationApi } from './http-api';
import { ORIGIN_VERIFY_HEADER, type OriginVerification } from './origin-verification';
import type { StageSettings } from './stage';

export interface EdgeDistributionProps {
  readonly api: ApplicationApi;
  readonly settings: StageSettings;
  readonly originVerification: OriginVerification;
  /** ARN of the CLOUDFRONT-scoped WAF web ACL (lib/cdk/edge-waf-stack.ts). */
  readonly webAclArn: string;
  /** A custom domain with its ACM certificate (TLSv1.2_2021); absent: the *.cloudfront.net name. */
  readonly domain?: EdgeDomain;
}

/** The header values the edge enforces; exported so tests compare against one source. */
export const SECURITY_HEADERS = {
  contentSecurityPolicy: "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'",
  hstsMaxAge: Duration.days(730),
  permissionsPolicy: 'camera=(), microphone=(), geolocation=()',
  /** Stripped from every answer (see shared/http/security-headers.ts for why). */
  removed: ['X-XSS-Protection'],
} as const;

/** Set by the viewer-request function: the viewer's IP (`203.0.113.7`, `[2001:db8::1]`). */
export const CLIENT_ADDRESS_HEADER = 'x-viewer-address';
/** Set by the viewer-request function: the host name the viewer addressed (Origin checks). */
export const PUBLIC_HOST_HEADER = 'x-forwarded-host';

/**
 * CloudFront Function (viewer request, cloudfront-js-2.0). It overwrites whatever the viewer
 * sent under these two names, so behind the verified edge both are CloudFront's word:
 * - x-viewer-address: `event.viewer.ip`, IPv6 in brackets (no port: rate limits key on the
 *   address). shared/security/trusted-edge.ts reads it through CLIENT_ADDRESS_HEADER.
 * - x-forwarded-host: the viewer's Host, which the origin request policy must drop (see
 *   below) although the CSRF Origin check needs it.
 */
export const VIEWER_REQUEST_CODE = `function handler(event) {
  var request = event.request;
  var ip = event.viewer.ip;
  request.headers['${CLIENT_ADDRESS_HEADER}'] = { value: ip.indexOf(':') === -1 ? ip : '[' + ip + ']' };
  if (request.headers.host) request.headers['${PUBLIC_HOST_HEADER}'] = { value: request.headers.host.value };
  else delete request.headers['${PUBLIC_HOST_HEADER}'];
  return request;
}
`;

export class EdgeDistribution extends Construct {
  readonly distribution: Distribution;
  readonly logBucket: Bucket;
  /** What viewers address: the custom domain when configured, else the distribution's own name. */
  readonly domainName: string;

  constructor(scope: Construct, id: string, props: EdgeDistributionProps) {
    super(scope, id);
    const { settings } = props;

    // Retained in every stage: access logs are evidence and expire by lifecycle instead.
    this.logBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // v2 delivery writes with bucket-owner-full-control, so the bucket owner owns its objects.
      // Not BUCKET_OWNER_ENFORCED: a bucket legacy logging wrote to keeps the ACL grant CloudFront
      // added (awslogsdelivery), and S3 refuses to disable ACLs on a bucket whose ACL grants.
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(settings.edgeLogDays) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket only receives CloudFront access logs; logging access to the log bucket would need another bucket with the same question, and CloudTrail covers its management events.',
    });

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: `${SERVICE_NAME} ${settings.stage} security headers`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: SECURITY_HEADERS.contentSecurityPolicy, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: SECURITY_HEADERS.hstsMaxAge,
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [{ header: 'Permissions-Policy', value: SECURITY_HEADERS.permissionsPolicy, override: true }],
      },
      // Deprecated, and not required by the reference: browsers dropped the XSS auditor it
      // controlled, and `1; mode=block` opened side channels. The CSP does its job. Removed
      // outright, so no origin answer (or old function version) can bring it back.
      removeHeaders: [...SECURITY_HEADERS.removed],
    });

    const viewerRequest = new CloudFrontFunction(this, 'ViewerRequest', {
      comment: `${SERVICE_NAME} ${settings.stage}: viewer address and public host for the API`,
      code: FunctionCode.fromInline(VIEWER_REQUEST_CODE),
      runtime: FunctionRuntime.JS_2_0,
    });

    const { domain } = props;
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `${SERVICE_NAME} ${settings.stage} API`,
      ...(domain && {
        domainNames: [domain.domainName],
        certificate: Certificate.fromCertificateArn(this, 'Certificate', domain.certificateArn),
        minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      }),
      defaultBehavior: {
        origin: new HttpOrigin(props.api.domainName, {
          protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originVerification.headerValue },
        }),
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        // Why this managed policy (all viewer headers, cookies and query strings, but Host)
        // and not a custom allow list with CloudFront-Viewer-Address:
        // - The viewer's Host must not reach API Gateway: execute-api routes on its own host
        //   name and answers 403 to any other, which rules out every policy that forwards
        //   all viewer headers plus CloudFront headers (allViewerAndWhitelistCloudFront).
        // - An allow list (at most 10 headers) may name CloudFront-Viewer-Address but never
        //   Authorization: CloudFront rejects such a policy (HTTP 400) and CDK throws. With
        //   caching disabled, AllViewer and AllViewerExceptHostHeader are AWS's documented
        //   way to forward Authorization, which carries the API keys (`Bearer uh_...`).
        // So the viewer's address and public host come from the viewer-request function,
        // whose headers this policy forwards like any viewer header.
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        functionAssociations: [{ function: viewerRequest, eventType: FunctionEventType.VIEWER_REQUEST }],
        responseHeadersPolicy: headers,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        compress: true,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      webAclId: props.webAclArn,
      // No legacy logging (`enableLogging`/`logBucket`): it always records cs-uri-stem and
      // cs-uri-query. EdgeLogsStack delivers the chosen fields to this.logBucket instead.
    });
    new EdgeLogPublication(this, 'AccessLogTargets', {
      settings,
      distributionArn: this.distribution.distributionArn,
      bucket: this.logBucket,
    });
    this.domainName = domain?.domainName ?? this.distribution.distributionDomainName;

    const acknowledge = (id: string, reason: string) => Validations.of(this.distribution).acknowledge({ id, reason });
    acknowledge(
      'AwsSolutions-CFR3',
      `Access logging is on through CloudFront standard logging v2 (AWS::Logs::Delivery of ACCESS_LOGS in the ${EDGE_LOG_REGION} EdgeLogs stack, lib/cdk/edge-access-logs.ts) into the AccessLogs bucket; this rule only sees legacy logging, which cannot leave out cs-uri-stem and cs-uri-query and would store the tokens of mailed links and campaign hooks.`,
    );
    acknowledge(
      'AwsSolutions-CFR1',
      'A CRM and its email tracking links serve customers and their contacts worldwide; no country is excluded by policy, so a geo restriction would only block legitimate users.',
    );
    if (!domain) {
      acknowledge(
        'AwsSolutions-CFR4',
        'This synth has no custom domain (-c edgeDomainName/-c edgeCertificateArn), so viewers reach the *.cloudfront.net name, whose certificate and security policy CloudFront sets (TLSv1) and no distribution setting can raise. With a domain configured the distribution serves its ACM certificate with TLSv1.2_2021 and this acknowledgement is not made.',
      );
    }
  }

  /** `https://app.example.com` with a custom domain, else `https://dxxxx.cloudfront.net`. */
  get url(): string {
    return `https://${this.domainName}`;
  }
}
