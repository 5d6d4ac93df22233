// GOV.UK Frontend's template runs this inline at the top of <body>; it is a file here because
// the Content-Security-Policy allows no inline script. It marks the page as having JavaScript
// and, where ES modules work, as supported, so components style themselves for enhancement.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
