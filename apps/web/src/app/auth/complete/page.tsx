import { SocialComplete } from '../../../components/auth/social-complete.tsx';
import { titledPage, titleMetadata } from '../../../components/titled-page.tsx';

export const generateMetadata = titleMetadata('complete.title');

/** Where the auth service sends a browser back from a provider (`#code=` or `#error=`). */
export default titledPage('complete.title', SocialComplete);
