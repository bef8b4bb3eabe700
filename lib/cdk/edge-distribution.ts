/**
 * CloudFront in front of the HTTP API: no caching (every response is per-user), the viewer
 * headers the application reads plus the viewer's address forwarded, a shared secret sent
 * to the origin, HTTPS only, and the security headers added at the edge. The functions add
 * the same headers themselves, so the local runtime has them too; CloudFront's values win
 * (`override`) so a function bug cannot weaken them in the cloud.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestCookieBehavior,
  OriginRequestHeaderBehavior,
  OriginRequestPolicy,
  OriginRequestQueryStringBehavior,
  OriginSslPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SERVICE_NAME } from '../definition';
import type { ApplicationApi } from './http-api';
import { ORIGIN_VERIFY_HEADER, type OriginVerification } from './origin-verification';
import type { StageSettings } from './stage';

export interface EdgeDistributionProps {
  readonly api: ApplicationApi;
  readonly settings: StageSettings;
  readonly originVerification: OriginVerification;
}

/**
 * The CloudFront header with the viewer's address and source port (`198.51.100.10:46532`,
 * IPv6 addresses likewise followed by `:port`). Added by CloudFront itself, so a viewer
 * cannot forge it; the functions read it (CLIENT_ADDRESS_HEADER) for per-client limits.
 */
export const CLIENT_ADDRESS_HEADER = 'CloudFront-Viewer-Address';

/** CloudFront's quota of headers in one origin request policy. */
export const MAX_ORIGIN_REQUEST_HEADERS = 10;

/**
 * Exactly what reaches the functions, besides cookies and query strings (all forwarded),
 * the body, and what CloudFront always sends (Host = the execute-api name, X-Forwarded-For,
 * Via, X-Amz-Cf-Id, plus the origin secret header).
 *
 * Why an allow list and not "all viewer headers":
 * - The viewer's Host must not reach API Gateway: the execute-api endpoint routes on its own
 *   host name and answers 403 to any other (the reason Managed-AllViewerExceptHostHeader
 *   exists). So the `all` behaviours (allViewer, allViewerAndWhitelistCloudFront) are out:
 *   they forward Host.
 * - `allExcept` (all viewer headers but Host) takes no CloudFront-* headers, and the
 *   viewer's address only exists as a CloudFront header; without it every client would
 *   share CloudFront's edge addresses as its identity for rate limiting.
 * - What remains is `whitelist`, at most 10 headers, which may name CloudFront headers.
 *
 * Not in the list, on purpose or by necessity:
 * - Authorization: CloudFront rejects an origin request policy that names it (HTTP 400;
 *   CDK throws too): it may only travel as part of a cache policy's key, and
 *   Managed-CachingDisabled keys on nothing. So Authorization does NOT reach the
 *   functions; API keys must use a header of this list (replace one) or a cookie.
 * - Accept-Encoding: likewise cache-policy only; CloudFront compresses responses itself.
 * - x-origin-verify: CloudFront sets it as a custom origin header, overwriting any viewer value.
 * - CORS preflight headers (Access-Control-Request-*): the API is same-origin only.
 */
export const FORWARDED_HEADERS = [
  'Origin',
  'Referer',
  'Content-Type',
  'Accept',
  'Accept-Language',
  'User-Agent',
  'x-csrf-token',
  'x-workspace-id',
  'Idempotency-Key',
  CLIENT_ADDRESS_HEADER,
] as const;

/** The header values the edge enforces; exported so tests compare against one source. */
export const SECURITY_HEADERS = {
  contentSecurityPolicy: "default-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'self'",
  hstsMaxAge: Duration.days(730),
  permissionsPolicy: 'camera=(), microphone=(), geolocation=()',
} as const;

export class EdgeDistribution extends Construct {
  readonly distribution: Distribution;
  readonly logBucket: Bucket;

  constructor(scope: Construct, id: string, props: EdgeDistributionProps) {
    super(scope, id);
    const { settings } = props;

    // Retained in every stage: access logs are evidence and expire by lifecycle instead.
    this.logBucket = new Bucket(this, 'AccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logging delivers objects with ACLs (awslogsdelivery).
      objectOwnership: ObjectOwnership.OBJECT_WRITER,
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
        xssProtection: { protection: true, modeBlock: true, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [{ header: 'Permissions-Policy', value: SECURITY_HEADERS.permissionsPolicy, override: true }],
      },
    });

    if (FORWARDED_HEADERS.length > MAX_ORIGIN_REQUEST_HEADERS) {
      throw new Error(`An origin request policy takes at most ${MAX_ORIGIN_REQUEST_HEADERS} headers`);
    }
    const originRequests = new OriginRequestPolicy(this, 'OriginRequests', {
      comment: `${SERVICE_NAME} ${settings.stage}: app headers, viewer address, all cookies and query strings`,
      headerBehavior: OriginRequestHeaderBehavior.allowList(...FORWARDED_HEADERS),
      cookieBehavior: OriginRequestCookieBehavior.all(),
      queryStringBehavior: OriginRequestQueryStringBehavior.all(),
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `${SERVICE_NAME} ${settings.stage} API`,
      defaultBehavior: {
        origin: new HttpOrigin(props.api.domainName, {
          protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originVerification.value },
        }),
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: originRequests,
        responseHeadersPolicy: headers,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        compress: true,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
    });

    const acknowledge = (id: string, reason: string) => Validations.of(this.distribution).acknowledge({ id, reason });
    acknowledge(
      'AwsSolutions-CFR1',
      'A CRM and its email tracking links serve customers and their contacts worldwide; no country is excluded by policy, so a geo restriction would only block legitimate users.',
    );
    acknowledge(
      'AwsSolutions-CFR2',
      'No WAF web ACL yet: a CloudFront-scoped ACL must live in us-east-1 (a separate stack) and bills per request. Abuse is bounded by the API stage throttle and the per-client rate tiers and input validation in the function edge. Add a WAF stack before public launch.',
    );
    acknowledge(
      'AwsSolutions-CFR4',
      'The distribution uses the default *.cloudfront.net certificate, whose viewer security policy CloudFront fixes at TLSv1; a custom domain with an ACM certificate and TLSv1.2_2021 replaces it when the product gets its domain.',
    );
  }

  /** `https://dxxxx.cloudfront.net` */
  get url(): string {
    return `https://${this.distribution.distributionDomainName}`;
  }
}
