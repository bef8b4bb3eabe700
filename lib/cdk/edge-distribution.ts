/**
 * CloudFront in front of the HTTP API: no caching (every response is per-user), every
 * viewer header but Host forwarded, HTTPS only, and the security headers added at the
 * edge. The functions add the same headers themselves, so the local runtime has them too;
 * CloudFront's values win (`override`) so a function bug cannot weaken them in the cloud.
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
  OriginRequestPolicy,
  OriginSslPolicy,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { SERVICE_NAME } from '../definition';
import type { ApplicationApi } from './http-api';
import type { StageSettings } from './stage';

export interface EdgeDistributionProps {
  readonly api: ApplicationApi;
  readonly settings: StageSettings;
}

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

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `${SERVICE_NAME} ${settings.stage} API`,
      defaultBehavior: {
        origin: new HttpOrigin(props.api.domainName, {
          protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [OriginSslPolicy.TLS_V1_2],
        }),
        allowedMethods: AllowedMethods.ALLOW_ALL,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        // The execute-api endpoint routes on its own Host name, so the viewer's is dropped.
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
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
